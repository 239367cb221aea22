import { setTimeout as delay } from "node:timers/promises";
import {
  type AuthRejectionReason,
  type CredentialRef,
  CredentialStoreUnavailableError,
  type EventPublisher,
  HasherBusyError,
  type LastUsedRecorder,
  type LoginThrottle,
  type RefusalAggregator,
  type SmtpGrant,
  type SmtpVerifier,
  type VerificationResult,
} from "@relaypost/core";
import type { SMTPServerAuthentication, SMTPServerSession } from "smtp-server";
import type { SmtpMetrics } from "./metrics";
import { REPLIES, type Reply } from "./replies";

export interface AuthenticatorDependencies {
  verifier: SmtpVerifier;
  throttle: LoginThrottle;
  lastUsed: LastUsedRecorder;
  publisher: Pick<EventPublisher, "publish">;
  /** Where refused logins go: a flood of them is counted into a few events rather than written one each. */
  refusals: Pick<RefusalAggregator, "record">;
  metrics: SmtpMetrics;
}

export type AuthOutcome = { ok: true; grant: SmtpGrant } | { ok: false; reply: Reply };

/**
 * The SMTP login path (docs/architecture.md) for one AUTH PLAIN / AUTH LOGIN exchange that smtp-server has already
 * parsed. Every refusal is one of the fixed replies; which check failed is told only to the organization's event
 * stream, never to the client.
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

  function succeeded(session: SMTPServerSession, method: string, grant: SmtpGrant): AuthOutcome {
    deps.lastUsed.record(grant.credentialId);
    metrics.authSucceeded++;
    publisher.publish({
      organizationId: grant.organizationId,
      type: "auth.succeeded",
      credentialId: grant.credentialId,
      username: grant.username,
      remoteAddress: session.remoteAddress,
      data: { method, tls: session.secure },
    });
    return { ok: true, grant };
  }

  function answer(session: SMTPServerSession, method: string, result: VerificationResult): AuthOutcome {
    if (result.ok) return succeeded(session, method, result.grant);
    rejected(session, method, result.reason, result.credential);
    return { ok: false, reply: REPLIES.authInvalid };
  }

  /** One login; outages of the database or a full argon2 queue surface as errors. */
  async function verify(auth: SMTPServerAuthentication, session: SMTPServerSession): Promise<AuthOutcome> {
    const attempt = {
      username: auth.username ?? "",
      password: auth.password ?? "",
      authorizationId: auth.method === "PLAIN" ? auth.authzid : undefined,
    };
    const checked = await verifier.precheck(attempt);
    // Settled without argon2: a cached success, or a malformed password that can guess nothing and is not counted.
    if (checked.settled) return answer(session, auth.method, checked.result);
    const verified = await throttle.verify(
      { remoteAddress: session.remoteAddress, lookupId: checked.lookupId, ...attempt },
      checked.verify,
      (result) => result.ok,
    );
    if (verified.outcome === "blocked") {
      metrics.authThrottled++;
      rejected(session, auth.method, "throttled", checked.credential);
      return { ok: false, reply: REPLIES.throttled };
    }
    const outcome = answer(session, auth.method, verified.value);
    // Holding back the refusal is what slows a guesser; a success is never delayed.
    if (verified.outcome === "failed" && verified.delayMs > 0) await delay(verified.delayMs);
    return outcome;
  }

  return async function authenticate(auth: SMTPServerAuthentication, session: SMTPServerSession): Promise<AuthOutcome> {
    try {
      return await verify(auth, session);
    } catch (error) {
      if (!(error instanceof CredentialStoreUnavailableError || error instanceof HasherBusyError)) throw error;
      metrics.authTemporaryFailures++;
      return { ok: false, reply: REPLIES.authTemporary };
    }
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
