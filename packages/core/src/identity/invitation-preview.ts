import type { Database } from "@relaypost/db";
import { DomainError } from "../errors";
import type { AttemptStore } from "../throttle/attempt-store";
import { createThrottle, DEFAULT_THROTTLE_POLICY } from "../throttle/throttle";
import { type InvitationPreview, InvitationUnusableError, previewInvitation } from "./invitations";

/**
 * Distinct unusable links one client address may look up within the throttle's window. A link's token is far too
 * long to guess, but the preview answers anyone, so an address trying token after token is stopped all the same;
 * a person re-opening their one spent link counts once.
 */
export const INVITATION_PREVIEW_BLOCK_AFTER = 20;

export class InvitationPreviewThrottledError extends DomainError {
  constructor() {
    super("TOO_MANY_REQUESTS", "Too many invitation links checked; try again later");
    this.name = "InvitationPreviewThrottledError";
  }
}

type Looked = { ok: true; preview: InvitationPreview } | { ok: false; error: InvitationUnusableError };

/** The public invitation preview, throttled per client address on the links it could not use. */
export function createInvitationPreview(db: Database, attempts: AttemptStore, now = () => new Date()) {
  const throttle = createThrottle(attempts, "invitation-preview", {
    ...DEFAULT_THROTTLE_POLICY,
    blockAfter: INVITATION_PREVIEW_BLOCK_AFTER,
  });
  const look = (token: string): Promise<Looked> =>
    previewInvitation(db, token, now()).then(
      (preview) => ({ ok: true, preview }),
      (error: unknown) => {
        if (error instanceof InvitationUnusableError) return { ok: false, error };
        throw error;
      },
    );
  return async (token: string, remoteAddress: string | null): Promise<InvitationPreview> => {
    const verified = await throttle.verify(
      { remoteAddress: remoteAddress ?? "unknown", keys: [], secret: [token] },
      () => look(token),
      (looked) => looked.ok,
    );
    if (verified.outcome === "blocked") throw new InvitationPreviewThrottledError();
    // An unusable link is told at once, unslowed: the limit above is what stops a guesser.
    if (!verified.value.ok) throw verified.value.error;
    return verified.value.preview;
  };
}
