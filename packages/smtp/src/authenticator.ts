import { setTimeout as delay } from "node:timers/promises";
import {
  type AuthRejectionReason,
  type CredentialRef,
  CredentialStoreUnavailableError,
  type EventPublisher,
  type LastUsedRecorder,
  type LoginThrottle,
  parseSmtpPassword,
  type RefusalAggregator,
  type SmtpGrant,
  type SmtpVerifier,
} from "@relaypost/core";
import type { SMTPServerAuthentication, SMTPServerSession } from "smtp-server";
import type { SmtpMetrics } from "./metrics";
import { REPLIES, type Reply } from "./replies";
import { isLoopback } from "./session";

export interface AuthenticatorDependencies {
  verifier: SmtpVerifier;
  throttle: LoginThrottle;
  lastUsed: LastUsedRecorder;
  publisher: Pick<EventPublisher, "publish">;
  /** Where refused logins go: a flood of them is counted into a few events rather than written one each. */
  refusals: Pick<RefusalAggregator, "record">;
  metrics: SmtpMetrics;
  /** Allows AUTH without TLS from loopback addresses (development). */
  allowInsecureLoopbackAuth: boolean;
}

export type AuthOutcome = { ok: true; grant: SmtpGrant } | { ok: false; reply: Reply };

/**
 * DESIGN §4 for one AUTH PLAIN / AUTH LOGIN exchange that smtp-server has already parsed. Every refusal is one of
 * the fixed replies; which check failed is told only to the organization's event stream, never to the client.
 */
export function createAuthenticator(deps: AuthenticatorDependencies) {
  const { verifier, throttle, metrics, publisher, refusals } = deps;

  function rejected(
    session: SMTPServerSession,
    method: string,
    reason: AuthRejectionReason,
    credential: CredentialRef | undefined,
  ) {
    metrics.authRejected++;
    if (!credential) {
      metrics.authRejectedUnattributed++;
      return;
    }
    refusals.record({
      organizationId: credential.organizationId,
      credentialId: credential.credentialId,
      username: credential.username,
      remoteAddress: session.remoteAddress,
      data: { reason, method, tls: session.secure },
    });
  }

  /** The credential a refused password names, for attribution only; an outage here just leaves it unattributed. */
  const identify = (password: string) => verifier.identify(password).catch(() => undefined);

  return async function authenticate(auth: SMTPServerAuthentication, session: SMTPServerSession): Promise<AuthOutcome> {
    const username = auth.username ?? "";
    const password = auth.password ?? "";
    if (!session.secure && !(deps.allowInsecureLoopbackAuth && isLoopback(session.remoteAddress))) {
      rejected(session, auth.method, "tls_required", await identify(password));
      return { ok: false, reply: REPLIES.encryptionRequired };
    }
    const subject = { remoteAddress: session.remoteAddress, lookupId: parseSmtpPassword(password)?.lookupId };
    if (throttle.check(subject).blocked) {
      metrics.authThrottled++;
      rejected(session, auth.method, "throttled", await identify(password));
      return { ok: false, reply: REPLIES.throttled };
    }
    let result: Awaited<ReturnType<SmtpVerifier["verify"]>>;
    try {
      result = await verifier.verify({
        username,
        password,
        authorizationId: auth.method === "PLAIN" ? auth.authzid : undefined,
      });
    } catch (error) {
      if (!(error instanceof CredentialStoreUnavailableError)) throw error;
      metrics.authTemporaryFailures++;
      return { ok: false, reply: REPLIES.authTemporary };
    }
    if (result.ok) {
      const { grant } = result;
      if (subject.lookupId) throttle.recordSuccess(subject.lookupId);
      deps.lastUsed.record(grant.credentialId);
      metrics.authSucceeded++;
      publisher.publish({
        organizationId: grant.organizationId,
        type: "auth.succeeded",
        credentialId: grant.credentialId,
        username: grant.username,
        remoteAddress: session.remoteAddress,
        data: { method: auth.method, tls: session.secure },
      });
      return { ok: true, grant };
    }
    rejected(session, auth.method, result.reason, result.credential);
    const verdict = throttle.recordFailure(subject, { username, password });
    // Holding back the refusal is what slows a guesser; a success is never delayed.
    if (verdict.delayMs > 0) await delay(verdict.delayMs);
    return { ok: false, reply: REPLIES.authInvalid };
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
