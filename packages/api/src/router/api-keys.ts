import { z } from "zod";
import { organizationProcedure, router } from "../trpc";

export const apiKeysRouter = router({
  list: organizationProcedure("viewer").query(({ ctx }) => ctx.core.apiKeys.list(ctx.scope.organizationId)),

  create: organizationProcedure("admin")
    .input(z.object({ name: z.string().trim().min(1).max(100), role: z.enum(["admin", "viewer"]) }))
    .mutation(({ ctx, input }) => ctx.core.apiKeys.create(ctx.scope, input)),

  revoke: organizationProcedure("admin")
    .input(z.object({ id: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.core.apiKeys.revoke(ctx.scope.organizationId, ctx.scope.actor, input.id);
      return { id: input.id };
    }),
});
