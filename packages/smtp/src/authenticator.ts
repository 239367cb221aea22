import type { LoginOutcome, SmtpGrant, SmtpLogin } from "@relaypost/core";
import type { SMTPServerAuthentication, SMTPServerSession } from "smtp-server";
import { REPLIES, type Reply } from "./replies";

export type AuthOutcome = { ok: true; grant: SmtpGrant } | { ok: false; reply: Reply };

/** Picks a login's reply: every refusal is one of the fixed replies, whatever check failed (core counts why). */
function toReply(outcome: LoginOutcome): AuthOutcome {
  switch (outcome.kind) {
    case "accepted":
      return { ok: true, grant: outcome.grant };
    case "unavailable":
      return { ok: false, reply: REPLIES.authTemporary };
    case "refused":
      return { ok: false, reply: REPLIES.authInvalid };
    case "throttled":
      return { ok: false, reply: REPLIES.throttled };
  }
}

/** One AUTH PLAIN / AUTH LOGIN exchange that smtp-server has already parsed, handed to core's login use case. */
export function createAuthenticator(login: Pick<SmtpLogin, "login">) {
  return async function authenticate(auth: SMTPServerAuthentication, session: SMTPServerSession): Promise<AuthOutcome> {
    const outcome = await login.login(
      {
        username: auth.username ?? "",
        password: auth.password ?? "",
        authorizationId: auth.method === "PLAIN" ? auth.authzid : undefined,
      },
      { remoteAddress: session.remoteAddress, id: session.id, method: auth.method, tls: session.secure },
    );
    return toReply(outcome);
  };
}
