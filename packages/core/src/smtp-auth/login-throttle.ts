import type { AttemptStore } from "../throttle/attempt-store";
import { createThrottle, DEFAULT_THROTTLE_POLICY, type ThrottlePolicy, type Verified } from "../throttle/throttle";
import { CredentialStoreUnavailableError } from "./verifier";

export type LoginThrottleOptions = Partial<ThrottlePolicy>;

export interface SmtpLoginAttempt {
  remoteAddress: string;
  /** The lookup id inside the presented password. */
  lookupId: string;
  username: string;
  password: string;
}

/** A store that cannot be reached is an outage, answered `454` like any other, never a verdict on the password. */
function unavailableAsOutage(store: AttemptStore): AttemptStore {
  const outage = (error: unknown): never => {
    throw error instanceof CredentialStoreUnavailableError ? error : new CredentialStoreUnavailableError(error);
  };
  return {
    reserve: (request) => store.reserve(request).catch(outage),
    forget: (keys, fingerprint, clear) => store.forget(keys, fingerprint, clear).catch(outage),
    prune: (nowMs, windowMs) => store.prune(nowMs, windowMs),
  };
}

/**
 * The SMTP login throttle. Only the client's address is ever blocked; a credential's count slows failed attempts on
 * it from any address but never refuses one, so a guesser who learned a lookup id cannot lock the application that
 * owns the credential out of it. A success clears the credential's count; the address keeps its own, so a valid
 * login elsewhere cannot launder a guesser's failures.
 */
export function createLoginThrottle(store: AttemptStore, options: LoginThrottleOptions = {}, now = Date.now) {
  const throttle = createThrottle(unavailableAsOutage(store), "smtp", { ...DEFAULT_THROTTLE_POLICY, ...options }, now);
  return {
    verify<T>(
      attempt: SmtpLoginAttempt,
      verify: () => Promise<T>,
      succeeded: (value: T) => boolean,
    ): Promise<Verified<T>> {
      return throttle.verify(
        {
          remoteAddress: attempt.remoteAddress,
          keys: [{ key: `credential:${attempt.lookupId}`, clearOnSuccess: true }],
          secret: [attempt.username.toLowerCase(), attempt.password],
        },
        verify,
        succeeded,
      );
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
