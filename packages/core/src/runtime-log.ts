import type { RelayEvent } from "./events/types";
import type { Log } from "./log";
import type { LoginSession } from "./smtp-auth/login";
import { parseSmtpPassword } from "./smtp-credentials/password";
import type { LoginObservation } from "./telemetry";

/** One line per refused or throttled login, with the session's id; successes are counted, not logged. */
export function logLogin(log: Log, observation: LoginObservation, username: string, session: LoginSession): void {
  if (observation.outcome === "accepted") return;
  const fields = {
    sessionId: session.id,
    remoteAddress: session.remoteAddress,
    // A client that put its password where the username goes must not have it written to the log.
    username: parseSmtpPassword(username) ? "[redacted: a password]" : username,
    method: session.method,
    reason: observation.reason,
    attributed: observation.attributed,
  };
  if (observation.outcome === "unavailable") log.error(fields, "SMTP login answered 454");
  else if (observation.outcome === "throttled") log.warn(fields, "SMTP login blocked by the throttle");
  else log.info(fields, "SMTP login refused");
}

/** One line per delivery that failed for good or was deferred, with the upstream's reply. */
export function logDeliveryFailures(log: Log, events: readonly RelayEvent[]): void {
  for (const event of events) {
    if (event.type !== "message.failed" && event.type !== "message.deferred") continue;
    const fields = { organizationId: event.organizationId, credentialId: event.credentialId, ...event.data };
    if (event.type === "message.failed") log.warn(fields, "message delivery failed");
    else log.info(fields, "message delivery deferred");
  }
}
