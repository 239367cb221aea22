/**
 * Why an invitation link cannot be used: someone accepted it already, it passed its expiry, its organization revoked
 * it, or no link has this token. Server and dashboard switch on these names, never on the message.
 */
export const UNUSABLE_INVITATION_REASONS = ["used", "expired", "revoked", "invalid"] as const;

export type UnusableInvitationReason = (typeof UNUSABLE_INVITATION_REASONS)[number];

/** What the API's refusal and the invite page say about each. */
export const UNUSABLE_INVITATION_MESSAGES: Readonly<Record<UnusableInvitationReason, string>> = {
  used: "This invitation link was already used",
  expired: "This invitation link has expired",
  revoked: "This invitation link was revoked",
  invalid: "This invitation link is not valid",
};
