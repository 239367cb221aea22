import { setTimeout as delay } from "node:timers/promises";
import type { AuthRejectionReason } from "@relaypost/contract";
import type { EventPublisher } from "../events/publisher";
import type { RefusalAggregator } from "../events/refusal-aggregator";
import { HasherBusyError } from "../hashing";
import type { LoginObservation } from "../telemetry";
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
  /** The transport's id of the session, carried by the log line of a refusal. */
  id?: string;
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
  /** Where a failure to attribute a refusal by username goes; the login's answer does not depend on it. */
  onError?: (error: unknown) => void;
  /** Why a login was answered `unavailable` because the database failed: the client hears only "try again". */
  onOutage?: (error: unknown) => void;
  /** Told how every login ended and why, for metrics and the log; never the password. */
  observe?: (observation: LoginObservation, attempt: { username: string }, session: LoginSession) => void;
}

/** What the metrics and the log learn of one login besides its outcome. */
interface LoginTrace {
  reason?: LoginObservation["reason"];
  cached: boolean;
}

/** Refusals whose password names no credential: told to the organizations with a credential of that username. */
const ATTRIBUTED_BY_USERNAME: ReadonlySet<AuthRejectionReason> = new Set(["malformed_password", "unknown_password"]);

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

  /**
   * Each organization hears only of its own credential by that name; nothing tells one organization of another's.
   * The database being unreachable loses the attribution, never changes the answer.
   */
  async function refusedByUsername(session: LoginSession, reason: AuthRejectionReason, username: string) {
    try {
      const named = await verifier.credentialsNamed(username);
      for (const credential of named) refused(session, reason, credential);
      return named.length > 0;
    } catch (error) {
      deps.onError?.(error);
      return false;
    }
  }

  async function answer(session: LoginSession, attempt: LoginAttempt, result: VerificationResult, trace: LoginTrace) {
    if (!result.ok) {
      trace.reason = result.reason;
      const attributed =
        result.credential || !ATTRIBUTED_BY_USERNAME.has(result.reason)
          ? refused(session, result.reason, result.credential)
          : await refusedByUsername(session, result.reason, attempt.username);
      return { kind: "refused", attributed } as const;
    }
    const { grant } = result;
    deps.lastUsed.record(grant.credentialId, { remoteAddress: session.remoteAddress, method: session.method });
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
    return { kind: "accepted", grant } as const;
  }

  async function verify(attempt: LoginAttempt, session: LoginSession, trace: LoginTrace): Promise<LoginOutcome> {
    const checked = await verifier.precheck({ ...attempt, remoteAddress: session.remoteAddress });
    // A cached success: settled without argon2 and never throttled.
    if (checked.settled) {
      trace.cached = true;
      return answer(session, attempt, checked.result, trace);
    }
    const verified = await throttle.verify(
      {
        remoteAddress: session.remoteAddress,
        lookupId: checked.lookupId,
        organizationId: checked.credential?.organizationId,
        ...attempt,
      },
      checked.verify,
      (result) => result.ok,
    );
    if (verified.outcome === "blocked") {
      trace.reason = "throttled";
      return { kind: "throttled", attributed: refused(session, "throttled", checked.credential) };
    }
    const outcome = await answer(session, attempt, verified.value, trace);
    // Holding back the refusal is what slows a guesser; a success is never delayed.
    if (verified.outcome === "failed" && verified.delayMs > 0) await delay(verified.delayMs);
    return outcome;
  }

  return {
    /** One login; an unreachable database or a full argon2 queue is `unavailable`, any other fault is thrown. */
    async login(attempt: LoginAttempt, session: LoginSession): Promise<LoginOutcome> {
      const startedAt = performance.now();
      const trace: LoginTrace = { cached: false };
      const outcome = await verify(attempt, session, trace).catch((error: unknown): LoginOutcome => {
        if (error instanceof CredentialStoreUnavailableError) deps.onOutage?.(error.cause ?? error);
        else if (!(error instanceof HasherBusyError)) throw error;
        trace.reason = error instanceof HasherBusyError ? "busy" : "database";
        return { kind: "unavailable" };
      });
      deps.observe?.(
        {
          outcome: outcome.kind,
          reason: trace.reason,
          attributed: "attributed" in outcome ? outcome.attributed : undefined,
          cached: trace.cached,
          seconds: (performance.now() - startedAt) / 1000,
        },
        attempt,
        session,
      );
      return outcome;
    },
  };
}

export type SmtpLogin = ReturnType<typeof createSmtpLogin>;
