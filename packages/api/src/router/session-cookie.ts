import { SESSION_COOKIE } from "@relaypost/contract";
import type { Context } from "../context";

export function setSessionCookie(ctx: Context, value: string, maxAgeSeconds: number) {
  const attributes = [`${SESSION_COOKIE}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAgeSeconds}`];
  if (ctx.request.secure) attributes.push("Secure");
  ctx.request.resHeaders?.append("set-cookie", attributes.join("; "));
}

export const clearSessionCookie = (ctx: Context) => setSessionCookie(ctx, "", 0);

/** Starts a session remembering where it came from, so its user can recognise it among their sessions later. */
export async function startSession(ctx: Context, userId: string) {
  const session = await ctx.core.sessions.create(userId, {
    userAgent: ctx.request.headers.get("user-agent"),
    remoteAddress: ctx.request.remoteAddress,
  });
  setSessionCookie(ctx, session.token, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000));
  return session;
}
