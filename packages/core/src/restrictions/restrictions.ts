import { addressAllowed } from "./allowed-ips";

/**
 * A credential's restrictions, read with its row wherever the row is read (login, MAIL FROM, DATA), so a change is
 * in force at the next command on every process without a read of its own.
 */
export interface CredentialRestrictions {
  allowedSenders: string[];
  allowedIps: string[];
}

/** Why a right password may still not log in (or a logged-in session may not go on), if it may not. */
export type LoginRestriction = "ip_not_allowed";

export function loginRestriction(
  row: Pick<CredentialRestrictions, "allowedIps">,
  remoteAddress: string | null | undefined,
): LoginRestriction | undefined {
  return addressAllowed(row.allowedIps, remoteAddress) ? undefined : "ip_not_allowed";
}
