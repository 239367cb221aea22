import { ROLES, roleAllows } from "@relaypost/core";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { organizationProcedure, router, userProcedure } from "../trpc";

const role = z.enum(ROLES);
const invitationToken = z.object({ token: z.string().min(1).max(200) });

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
  /** A single-use link; admins invite admins and viewers, only owners can hand out ownership. */
  invite: organizationProcedure("admin")
    .input(z.object({ role }))
    .mutation(({ ctx, input }) => {
      if (!roleAllows(ctx.scope.role, input.role)) {
        throw new TRPCError({ code: "FORBIDDEN", message: `Only an ${input.role} can invite an ${input.role}` });
      }
      return ctx.core.invitations.create(ctx.scope.organizationId, ctx.scope.actor, input.role);
    }),
  invitations: organizationProcedure("admin").query(({ ctx }) => ctx.core.invitations.list(ctx.scope.organizationId)),
  revokeInvitation: organizationProcedure("admin")
    .input(z.object({ id: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.core.invitations.revoke(ctx.scope.organizationId, ctx.scope.actor, input.id);
      return { id: input.id };
    }),
  /** Where a link leads, for the signed-in user deciding whether to accept it. */
  previewInvitation: userProcedure
    .input(invitationToken)
    .query(({ ctx, input }) => ctx.core.invitations.preview(input.token)),
  acceptInvitation: userProcedure.input(invitationToken).mutation(({ ctx, input }) => {
    const { user } = ctx.principal;
    const actor = { type: "user" as const, id: user.id, label: user.email, remoteAddress: ctx.request.remoteAddress };
    return ctx.core.invitations.accept(actor, input.token);
  }),
});
