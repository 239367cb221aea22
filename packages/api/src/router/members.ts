import { ROLES } from "@relaypost/core";
import { z } from "zod";
import { invitationPreviewOutput } from "../rest/outputs";
import { restRoute } from "../rest/route";
import { idempotentCreateProcedure, organizationProcedure, publicProcedure, router, userProcedure } from "../trpc";

const role = z.enum(ROLES);
const invitationToken = z.strictObject({ token: z.string().min(1).max(200) });
const rest = restRoute("Invitations");

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
  /**
   * Where a link leads, for whoever holds it, signed in or not: before signing up they see which organization and
   * role. An unusable link is refused with NOT_FOUND and its `reason` (used, expired, revoked, invalid); an address
   * that looked up too many unusable links, with TOO_MANY_REQUESTS.
   */
  previewInvitation: publicProcedure
    .meta(rest("GET", "/invitations/{token}", "Where an invitation link leads, before accepting it; no sign-in needed"))
    .input(invitationToken)
    .output(invitationPreviewOutput)
    .query(({ ctx, input }) => ctx.core.invitations.preview(input.token, ctx.request.remoteAddress)),
  acceptInvitation: userProcedure.input(invitationToken).mutation(({ ctx, input }) => {
    const { user } = ctx.principal;
    const actor = { type: "user" as const, id: user.id, label: user.email, remoteAddress: ctx.request.remoteAddress };
    return ctx.core.invitations.accept(actor, input.token);
  }),
});
