import type { LoginOutcome, SmtpGrant, SmtpLogin } from "@relaypost/core";
import type { SMTPServerAuthentication, SMTPServerSession } from "smtp-server";
import type { SmtpMetrics } from "./metrics";
import { REPLIES, type Reply } from "./replies";

export type AuthOutcome = { ok: true; grant: SmtpGrant } | { ok: false; reply: Reply };

/** Counts a login's outcome and picks its reply: every refusal is one of the fixed replies, whatever check failed. */
function toReply(outcome: LoginOutcome, metrics: SmtpMetrics): AuthOutcome {
  switch (outcome.kind) {
    case "accepted":
      metrics.authSucceeded++;
      return { ok: true, grant: outcome.grant };
    case "unavailable":
      metrics.authTemporaryFailures++;
      return { ok: false, reply: REPLIES.authTemporary };
    case "throttled":
    case "refused":
      metrics.authRejected++;
      if (!outcome.attributed) metrics.authRejectedUnattributed++;
      if (outcome.kind === "refused") return { ok: false, reply: REPLIES.authInvalid };
      metrics.authThrottled++;
      return { ok: false, reply: REPLIES.throttled };
  }
}

/** One AUTH PLAIN / AUTH LOGIN exchange that smtp-server has already parsed, handed to core's login use case. */
export function createAuthenticator(login: Pick<SmtpLogin, "login">, metrics: SmtpMetrics) {
  return async function authenticate(auth: SMTPServerAuthentication, session: SMTPServerSession): Promise<AuthOutcome> {
    const outcome = await login.login(
      {
        username: auth.username ?? "",
        password: auth.password ?? "",
        authorizationId: auth.method === "PLAIN" ? auth.authzid : undefined,
      },
      { remoteAddress: session.remoteAddress, method: auth.method, tls: session.secure },
    );
    return toReply(outcome, metrics);
  };
}
