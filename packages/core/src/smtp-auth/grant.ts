import { createHash } from "node:crypto";

/** The credential an SMTP login named, as far as events may show it: never its hash. */
export interface CredentialRef {
  credentialId: string;
  organizationId: string;
  username: string;
}

/**
 * What a session holds after a successful login. `hashFingerprint` is a SHA-256 of the stored hash the password
 * was verified against, so later checks can tell "still the same password" without the session keeping the hash.
 */
export interface SmtpGrant extends CredentialRef {
  hashFingerprint: string;
}

export const hashFingerprint = (passwordHash: string) => createHash("sha256").update(passwordHash).digest("base64url");

/** The credential still exists, is active and still has the password the grant was verified with. */
export function grantHolds(
  grant: Pick<SmtpGrant, "hashFingerprint">,
  row: { passwordHash: string; active: boolean } | undefined,
): boolean {
  return row?.active === true && hashFingerprint(row.passwordHash) === grant.hashFingerprint;
}
