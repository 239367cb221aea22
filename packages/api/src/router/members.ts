import { ROLES } from "@relaypost/core";
import { z } from "zod";
import { idempotentCreateProcedure, organizationProcedure, router, userProcedure } from "../trpc";

const role = z.enum(ROLES);
const invitationToken = z.strictObject({ token: z.string().min(1).max(200) });

export const membersRouter = router({
  list: organizationProcedure("viewer").query(({ ctx }) => ctx.core.members.list(ctx.scope.organizationId)),

  setRole: organizationProcedure("owner")
    .input(z.strictObject({ userId: z.uuid(), role }))
    .mutation(async ({ ctx, input }) => {
      await ctx.core.members.setRole(ctx.scope, input.userId, input.role);
      return { userId: input.userId, role: input.role };
    }),

  remove: organizationProcedure("admin")
    .input(z.strictObject({ userId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.core.members.remove(ctx.scope, input.userId);
      return { userId: input.userId };
    }),
  /** A single-use link, the only way into an organization; nobody invites above their own role (core's ladder). */
  invite: idempotentCreateProcedure("admin")
    .input(z.strictObject({ role }))
    .mutation(({ ctx, input }) => ctx.core.invitations.create(ctx.scope, input.role, ctx.idempotencyKey)),
  invitations: organizationProcedure("admin").query(({ ctx }) => ctx.core.invitations.list(ctx.scope.organizationId)),
  revokeInvitation: organizationProcedure("admin")
    .input(z.strictObject({ id: z.uuid() }))
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
