export const HOME = "/settings/smtp-credentials";
export const MESSAGES = "/messages";

/** Only same-site paths are followed after sign-in, so a crafted `next` cannot send the user elsewhere. */
export const nextPath = (next: string | undefined) => (next?.startsWith("/") && !next.startsWith("//") ? next : HOME);

/** A link to another auth page that keeps where the user was going. */
export const withNext = (path: string, next: string | undefined) =>
  next ? `${path}?next=${encodeURIComponent(next)}` : path;

/** The invitation a sign-up continues to (`next=/invite/<token>`): the newcomer joins that organization. */
export function invitationToken(next: string | undefined): string | undefined {
  const match = /^\/invite\/([^/?#]+)$/.exec(nextPath(next));
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/** Where a signed-out visitor of `path` is sent: sign-in, coming back to `path` afterwards. */
export const signInFor = (path: string) => (path === "/" ? "/signin" : `/signin?next=${encodeURIComponent(path)}`);
