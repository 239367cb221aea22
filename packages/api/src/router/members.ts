import { ROLES } from "@relaypost/core";
import { z } from "zod";
import { organizationProcedure, router } from "../trpc";

const role = z.enum(ROLES);

export const membersRouter = router({
  list: organizationProcedure("viewer").query(({ ctx }) => ctx.core.members.list(ctx.scope.organizationId)),

  add: organizationProcedure("admin")
    .input(z.object({ email: z.email().max(254), role }))
    .mutation(({ ctx, input }) =>
      ctx.core.members.add(ctx.scope.organizationId, ctx.scope.actor, input.email, input.role),
    ),

  setRole: organizationProcedure("owner")
    .input(z.object({ userId: z.uuid(), role }))
    .mutation(async ({ ctx, input }) => {
      await ctx.core.members.setRole(ctx.scope.organizationId, ctx.scope.actor, input.userId, input.role);
      return { userId: input.userId, role: input.role };
    }),

  remove: organizationProcedure("admin")
    .input(z.object({ userId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.core.members.remove(ctx.scope.organizationId, ctx.scope.actor, input.userId);
      return { userId: input.userId };
    }),
});
