import { crc32 } from "node:zlib";
import { BASE36, BASE62, randomString, toBase62 } from "../random";

/**
 * `rpsmtp_<lookup id>_<secret><checksum>`: a recognizable prefix for secret scanners, the public lookup id that
 * finds the credential at login, 32 base62 characters of secret (190 bits) and a CRC32 checksum so scanners and
 * the server can reject a mistyped or invented password offline.
 */
export const SMTP_PASSWORD_PREFIX = "rpsmtp_";
const LOOKUP_ID_LENGTH = 12;
const SECRET_LENGTH = 32;
const CHECKSUM_LENGTH = 6;

export const SMTP_PASSWORD_PATTERN = new RegExp(
  `^${SMTP_PASSWORD_PREFIX}([a-z0-9]{${LOOKUP_ID_LENGTH}})_([A-Za-z0-9]{${SECRET_LENGTH}})([A-Za-z0-9]{${CHECKSUM_LENGTH}})$`,
);

/** The rule shipped to secret scanners (gitleaks, GitHub custom patterns); see docs/secret-scanning.md. */
export const SMTP_PASSWORD_SCANNER_REGEX = `\\b${SMTP_PASSWORD_PREFIX}[a-z0-9]{${LOOKUP_ID_LENGTH}}_[A-Za-z0-9]{${SECRET_LENGTH + CHECKSUM_LENGTH}}\\b`;

const checksumOf = (body: string) => toBase62(crc32(body), CHECKSUM_LENGTH);

export function generateLookupId(): string {
  return randomString(BASE36, LOOKUP_ID_LENGTH);
}

export function formatSmtpPassword(lookupId: string): string {
  const body = `${SMTP_PASSWORD_PREFIX}${lookupId}_${randomString(BASE62, SECRET_LENGTH)}`;
  return body + checksumOf(body);
}

/** The lookup id of a well-formed password with a valid checksum; `undefined` for anything else. */
export function parseSmtpPassword(password: string): { lookupId: string } | undefined {
  const match = SMTP_PASSWORD_PATTERN.exec(password);
  if (!match?.[1] || !match[3]) return undefined;
  const body = password.slice(0, -CHECKSUM_LENGTH);
  return checksumOf(body) === match[3] ? { lookupId: match[1] } : undefined;
}
