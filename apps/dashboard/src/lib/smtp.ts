import type { Outputs } from "./api";

type SmtpEndpoint = Outputs["smtpCredentials"]["connectionSettings"];

/**
 * What an application needs besides its username and password, as the server reports its listeners. The host is
 * the operator's SMTP_HOST, else the dashboard's own; until the answer arrives the documented defaults show.
 */
export const smtpSettings = (endpoint: SmtpEndpoint | undefined) => ({
  host: endpoint?.host ?? location.hostname,
  port: endpoint?.port ?? 2525,
  tls: endpoint?.implicitTlsPort
    ? `STARTTLS (required before AUTH), or implicit TLS on port ${endpoint.implicitTlsPort}`
    : "STARTTLS (required before AUTH)",
});

export const USERNAME_PATTERN = /^[A-Za-z0-9_]{4,50}$/;

/** The first rule a typed username breaks, in words, or null when it is valid (or blank: then one is generated). */
export function usernameProblem(value: string): string | null {
  const username = value.trim();
  if (username === "") return null;
  if (/[^A-Za-z0-9_]/.test(username)) return "Use only letters, numbers and underscores";
  if (username.length < 4) return `At least 4 characters (${4 - username.length} more)`;
  if (username.length > 50) return `At most 50 characters (${username.length - 50} too many)`;
  return USERNAME_PATTERN.test(username) ? null : "Use 4–50 letters, numbers and underscores";
}
