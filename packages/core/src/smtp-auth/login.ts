import { setTimeout as delay } from "node:timers/promises";
import type { AuthRejectionReason } from "@relaypost/contract";
import type { EventPublisher } from "../events/publisher";
import type { RefusalAggregator } from "../events/refusal-aggregator";
import { HasherBusyError } from "../hashing";
import type { CredentialRef, SmtpGrant } from "./grant";
import type { LastUsedRecorder } from "./last-used-recorder";
import type { LoginThrottle } from "./login-throttle";
import {
  CredentialStoreUnavailableError,
  type LoginAttempt,
  type SmtpVerifier,
  type VerificationResult,
} from "./verifier";

/** What the transport knows of the session a login arrives on. */
export interface LoginSession {
  remoteAddress: string;
  /** The SASL mechanism, as the events name it ("PLAIN", "LOGIN"). */
  method: string;
  tls: boolean;
}

/**
 * How one login ended. `attributed` says whether the refusal named a credential, so its organization sees it; an
 * unattributed one is visible only to the transport's own counters.
 */
export type LoginOutcome =
  | { kind: "accepted"; grant: SmtpGrant }
  | { kind: "refused"; attributed: boolean }
  | { kind: "throttled"; attributed: boolean }
  | { kind: "unavailable" };

export interface SmtpLoginDependencies {
  verifier: SmtpVerifier;
  throttle: LoginThrottle;
  lastUsed: Pick<LastUsedRecorder, "record">;
  publisher: Pick<EventPublisher, "publish">;
  /** Where refused logins go: a flood of them is counted into a few events rather than written one each. */
  refusals: Pick<RefusalAggregator, "record">;
}

/**
 * The SMTP login path (docs/architecture.md) for one login: throttle, verify, attribute refusals, note last use,
 * publish events. Which check failed is told only to the organization's event stream, never in the outcome.
 */
export function createSmtpLogin(deps: SmtpLoginDependencies) {
  const { verifier, throttle, publisher, refusals } = deps;

  function refused(session: LoginSession, reason: AuthRejectionReason, credential: CredentialRef | undefined): boolean {
    if (!credential) return false;
    refusals.record({
      organizationId: credential.organizationId,
      credentialId: credential.credentialId,
      username: credential.username,
      remoteAddress: session.remoteAddress,
      data: { reason, method: session.method, tls: session.tls },
    });
    return true;
  }

  function answer(session: LoginSession, result: VerificationResult): LoginOutcome {
    if (!result.ok) return { kind: "refused", attributed: refused(session, result.reason, result.credential) };
    const { grant } = result;
    deps.lastUsed.record(grant.credentialId);
    publisher.publish({
      organizationId: grant.organizationId,
      type: "auth.succeeded",
      credentialId: grant.credentialId,
      username: grant.username,
      remoteAddress: session.remoteAddress,
      // The old password at work during a rotation's overlap: the admin sees which application still needs the new one.
      data: {
        method: session.method,
        tls: session.tls,
        ...(result.previousPassword ? { previousPassword: true } : {}),
      },
    });
    return { kind: "accepted", grant };
  }

  async function verify(attempt: LoginAttempt, session: LoginSession): Promise<LoginOutcome> {
    const checked = await verifier.precheck({ ...attempt, remoteAddress: session.remoteAddress });
    // Settled without argon2: a cached success, or a malformed password that can guess nothing and is not counted.
    if (checked.settled) return answer(session, checked.result);
    const verified = await throttle.verify(
      { remoteAddress: session.remoteAddress, lookupId: checked.lookupId, ...attempt },
      checked.verify,
      (result) => result.ok,
    );
    if (verified.outcome === "blocked") {
      return { kind: "throttled", attributed: refused(session, "throttled", checked.credential) };
    }
    const outcome = answer(session, verified.value);
    // Holding back the refusal is what slows a guesser; a success is never delayed.
    if (verified.outcome === "failed" && verified.delayMs > 0) await delay(verified.delayMs);
    return outcome;
  }

  return {
    /** One login; an unreachable database or a full argon2 queue is `unavailable`, any other fault is thrown. */
    async login(attempt: LoginAttempt, session: LoginSession): Promise<LoginOutcome> {
      try {
        return await verify(attempt, session);
      } catch (error) {
        if (!(error instanceof CredentialStoreUnavailableError || error instanceof HasherBusyError)) throw error;
        return { kind: "unavailable" };
      }
    },
  };
}

export type SmtpLogin = ReturnType<typeof createSmtpLogin>;
