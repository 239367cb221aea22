import { USER_PASSWORD_MIN_LENGTH, type UserActor } from "@relaypost/core";
import { z } from "zod";
import type { Context, Principal } from "../context";
import { router, userProcedure } from "../trpc";
import { clearSessionCookie } from "./session-cookie";

type SessionPrincipal = Extract<Principal, { kind: "session" }>;

const userActor = (ctx: Context, principal: SessionPrincipal): UserActor => ({
  type: "user",
  id: principal.user.id,
  label: principal.user.email,
  remoteAddress: ctx.request.remoteAddress,
});

/** The signed-in user's own account: their password and their sessions. Cookie sessions only, never API keys. */
export const accountRouter = router({
  /** Ends every other session of the user; the one making the change stays signed in. */
  changePassword: userProcedure
    .input(
      z.strictObject({
        currentPassword: z.string().min(1, "Enter your current password").max(200),
        newPassword: z
          .string()
          .min(USER_PASSWORD_MIN_LENGTH, `At least ${USER_PASSWORD_MIN_LENGTH} characters`)
          .max(200),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.core.users.changePassword(
        userActor(ctx, ctx.principal),
        input.currentPassword,
        input.newPassword,
        ctx.principal.sessionId,
      ),
    ),

  sessions: userProcedure.query(({ ctx }) =>
    ctx.core.sessions.listForUser(ctx.principal.user.id, ctx.principal.sessionId),
  ),

  /** Ends one of the user's sessions; another user's session id answers NOT_FOUND like an unknown one. */
  endSession: userProcedure.input(z.strictObject({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    await ctx.core.sessions.revokeById(ctx.principal.user.id, input.id);
    if (input.id === ctx.principal.sessionId) clearSessionCookie(ctx);
    return { id: input.id };
  }),

  /** For a session that may have been stolen: ends every session of the user, this one included. */
  signOutEverywhere: userProcedure.mutation(async ({ ctx }) => {
    const sessionsEnded = await ctx.core.sessions.revokeAll(ctx.principal.user.id);
    clearSessionCookie(ctx);
    return { sessionsEnded };
  }),
});
