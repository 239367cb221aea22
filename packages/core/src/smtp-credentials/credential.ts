import type { SendingLimits } from "@relaypost/contract";
import type { schema } from "@relaypost/db";
import { limitsOf, type Usage } from "../restrictions/sending-limits";
import { livePreviousHash } from "../smtp-auth/grant";

/** A credential as every caller sees it: never the hash, never the lookup id. */
export interface SmtpCredential {
  id: string;
  username: string;
  description: string;
  active: boolean;
  lastUsedAt: Date | null;
  passwordChangedAt: Date;
  /** Domains, `*.domain`s and addresses MAIL FROM and `From:` must match; empty allows any sender. */
  allowedSenders: string[];
  /** CIDR ranges a login's client address must be in; empty allows any address. */
  allowedIps: string[];
  /** Logins at or after this time are refused; null never expires. */
  expiresAt: Date | null;
  /** Sending limits that are set; an absent one is no limit. */
  limits: SendingLimits;
  /** Until when the password from before the last regenerate still works (a rotation's overlap); null when not. */
  previousPasswordExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toSmtpCredential(row: typeof schema.smtpCredentials.$inferSelect): SmtpCredential {
  return {
    id: row.id,
    username: row.username,
    description: row.description,
    active: row.active,
    lastUsedAt: row.lastUsedAt,
    passwordChangedAt: row.passwordChangedAt,
    allowedSenders: row.allowedSenders,
    allowedIps: row.allowedIps,
    expiresAt: row.expiresAt,
    limits: limitsOf(row),
    previousPasswordExpiresAt:
      row.previousPasswordHash !== null && livePreviousHash(row) !== undefined ? row.previousPasswordExpiresAt : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A successful login as the credential shows it: when, from which client address, with which SASL mechanism. */
export interface LastLogin {
  at: Date;
  remoteAddress: string;
  method: string;
}

const isNewer = (credential: SmtpCredential, unwritten: LastLogin | undefined): unwritten is LastLogin =>
  unwritten !== undefined && (!credential.lastUsedAt || credential.lastUsedAt < unwritten.at);

/**
 * `credential` with a login this process noted but has not written yet (`unwritten`), when it is the later: an
 * answer read in between must not show an older time than the `auth.succeeded` event already announced.
 */
export function withUnwrittenLastUsed<C extends SmtpCredential>(credential: C, unwritten: LastLogin | undefined): C {
  return isNewer(credential, unwritten) ? { ...credential, lastUsedAt: unwritten.at } : credential;
}

/** A detail with a login this process noted but has not written yet, as `withUnwrittenLastUsed`. */
export function withUnwrittenLogin(
  detail: SmtpCredentialDetail,
  unwritten: LastLogin | undefined,
): SmtpCredentialDetail {
  return isNewer(detail, unwritten) ? { ...detail, lastUsedAt: unwritten.at, lastLogin: unwritten } : detail;
}

/** The login at `lastUsedAt`, when its address and method were recorded (logins before they were are not). */
export function lastLoginOf(row: typeof schema.smtpCredentials.$inferSelect): LastLogin | null {
  const { lastUsedAt: at, lastUsedAddress: remoteAddress, lastUsedMethod: method } = row;
  return at && remoteAddress !== null && method !== null ? { at, remoteAddress, method } : null;
}

/** One credential with what it has sent in the current minute, hour and day (counted while it has a per-period limit). */
export interface SmtpCredentialDetail extends SmtpCredential {
  usage: Usage;
  /** The last successful login's time, client address and SASL mechanism; null when none was recorded. */
  lastLogin: LastLogin | null;
}
