import { createHash } from "node:crypto";
import { schema } from "@relaypost/db";

const t = schema.smtpCredentials;

/** The columns `grantHolds` judges a session by: select them wherever a grant is checked against its credential. */
export const grantColumns = {
  passwordHash: t.passwordHash,
  active: t.active,
  previousPasswordHash: t.previousPasswordHash,
  previousPasswordExpiresAt: t.previousPasswordExpiresAt,
};

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

/** A credential's password hashes: the current one, and the previous one while a rotation's overlap lasts. */
export interface PasswordHashes {
  passwordHash: string;
  previousPasswordHash: string | null;
  previousPasswordExpiresAt: Date | null;
}

/** The previous password's hash while its overlap lasts, else undefined. */
export function livePreviousHash(row: PasswordHashes, now = Date.now()): string | undefined {
  const { previousPasswordHash, previousPasswordExpiresAt } = row;
  if (previousPasswordHash === null || previousPasswordExpiresAt === null) return undefined;
  return previousPasswordExpiresAt.getTime() > now ? previousPasswordHash : undefined;
}

/**
 * The credential still exists, is active and still accepts the password the grant was verified with: the current
 * one, or the previous one while its overlap lasts.
 */
export function grantHolds(
  grant: Pick<SmtpGrant, "hashFingerprint">,
  row: (PasswordHashes & { active: boolean }) | undefined,
  now = Date.now(),
): boolean {
  if (row?.active !== true) return false;
  if (hashFingerprint(row.passwordHash) === grant.hashFingerprint) return true;
  const previous = livePreviousHash(row, now);
  return previous !== undefined && hashFingerprint(previous) === grant.hashFingerprint;
}
