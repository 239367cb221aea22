import { schema } from "@relaypost/db";
import { addressAllowed } from "./allowed-ips";
import type { LimitColumns } from "./sending-limits";

/**
 * A credential's restrictions, read with its row wherever the row is read (login, MAIL FROM, DATA), so a change is
 * in force at the next command on every process without a read of its own.
 */
export interface CredentialRestrictions extends LimitColumns {
  allowedSenders: string[];
  allowedIps: string[];
  expiresAt: Date | null;
}

const t = schema.smtpCredentials;

/** The columns of a credential's restrictions: select them with the row each step reads anyway. */
export const restrictionColumns = {
  allowedSenders: t.allowedSenders,
  allowedIps: t.allowedIps,
  expiresAt: t.expiresAt,
  limitPerMinute: t.limitPerMinute,
  limitPerHour: t.limitPerHour,
  limitPerDay: t.limitPerDay,
  limitRecipientsPerMessage: t.limitRecipientsPerMessage,
};

/** Why a right password may still not log in (or a logged-in session may not go on), if it may not. */
export type LoginRestriction = "expired" | "ip_not_allowed";

export function loginRestriction(
  row: Pick<CredentialRestrictions, "allowedIps" | "expiresAt">,
  remoteAddress: string | null | undefined,
  now = Date.now(),
): LoginRestriction | undefined {
  if (row.expiresAt !== null && row.expiresAt.getTime() <= now) return "expired";
  return addressAllowed(row.allowedIps, remoteAddress) ? undefined : "ip_not_allowed";
}
