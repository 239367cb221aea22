import {
  DEFAULT_SMTP_PORT,
  USERNAME_FORBIDDEN_CHARACTER,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
  USERNAME_PATTERN,
  USERNAME_RULES,
} from "@relaypost/contract";
import type { Outputs } from "./api";

type SmtpEndpoint = Outputs["smtpCredentials"]["connectionSettings"];

/**
 * What an application needs besides its username and password, as the server reports its listeners. The host is
 * the operator's SMTP_HOST, else the dashboard's own; until the answer arrives the documented defaults show.
 */
export const smtpSettings = (endpoint: SmtpEndpoint | undefined) => ({
  host: endpoint?.host ?? location.hostname,
  port: endpoint?.port ?? DEFAULT_SMTP_PORT,
  tls: endpoint?.implicitTlsPort
    ? `STARTTLS (required before AUTH), or implicit TLS on port ${endpoint.implicitTlsPort}`
    : "STARTTLS (required before AUTH)",
});

/** The first rule a typed username breaks, in words, or null when it is valid (or blank: then one is generated). */
export function usernameProblem(value: string): string | null {
  const username = value.trim();
  if (username === "") return null;
  if (USERNAME_FORBIDDEN_CHARACTER.test(username)) return "Use only letters, numbers and underscores";
  if (username.length < USERNAME_MIN_LENGTH) {
    return `At least ${USERNAME_MIN_LENGTH} characters (${USERNAME_MIN_LENGTH - username.length} more)`;
  }
  if (username.length > USERNAME_MAX_LENGTH) {
    return `At most ${USERNAME_MAX_LENGTH} characters (${username.length - USERNAME_MAX_LENGTH} too many)`;
  }
  return USERNAME_PATTERN.test(username) ? null : `Use ${USERNAME_RULES}`;
}
