import type { AttemptStore } from "../throttle/attempt-store";
import {
  type AddressScope,
  createThrottle,
  DEFAULT_THROTTLE_POLICY,
  type ThrottlePolicy,
  type Verified,
} from "../throttle/throttle";
import { CredentialStoreUnavailableError } from "./verifier";

export interface LoginThrottleOptions extends Partial<ThrottlePolicy> {
  /**
   * Distinct passwords not in RelayPost's format an address may present before those are refused too. Far above
   * `blockAfter`: such a password costs no hashing and can guess nothing.
   */
  malformedBlockAfter?: number;
}

export const DEFAULT_MALFORMED_BLOCK_AFTER = 100;

export interface SmtpLoginAttempt {
  remoteAddress: string;
  /** The lookup id inside the presented password; absent when the password is not in RelayPost's format. */
  lookupId: string | undefined;
  /** The organization of the credential the lookup id names; absent when it names none. */
  organizationId: string | undefined;
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
    list: (prefix, nowMs, windowMs) => store.list(prefix, nowMs, windowMs),
  };
}

const organizationScope = (organizationId: string) => `org:${organizationId}`;

/**
 * The SMTP login throttle. Only a client's address is ever blocked, and only for the organization whose credentials
 * it failed against: a guesser sharing an address with innocent applications (a NAT, a relay) cannot lock out
 * another organization's. Passwords naming no credential are counted apart, malformed ones toward a far higher
 * limit. A credential's count slows failed attempts on it from any address but never refuses one, so a guesser who
 * learned a lookup id cannot lock the application that owns the credential out of it. A success clears the
 * credential's count; the address keeps its own, so a valid login elsewhere cannot launder a guesser's failures.
 */
export function createLoginThrottle(store: AttemptStore, options: LoginThrottleOptions = {}, now = Date.now) {
  const { malformedBlockAfter = DEFAULT_MALFORMED_BLOCK_AFTER, ...policy } = options;
  const throttle = createThrottle(unavailableAsOutage(store), "smtp", { ...DEFAULT_THROTTLE_POLICY, ...policy }, now);

  const scopeOf = ({ lookupId, organizationId }: SmtpLoginAttempt): AddressScope => {
    if (lookupId === undefined) return { name: "malformed", blockAfter: malformedBlockAfter };
    return { name: organizationId === undefined ? "unknown" : organizationScope(organizationId) };
  };

  return {
    verify<T>(
      attempt: SmtpLoginAttempt,
      verify: () => Promise<T>,
      succeeded: (value: T) => boolean,
    ): Promise<Verified<T>> {
      return throttle.verify(
        {
          remoteAddress: attempt.remoteAddress,
          scope: scopeOf(attempt),
          keys: attempt.lookupId === undefined ? [] : [{ key: `credential:${attempt.lookupId}`, clearOnSuccess: true }],
          secret: [attempt.username.toLowerCase(), attempt.password],
        },
        verify,
        succeeded,
      );
    },
    /** The addresses refused for the organization's credentials now, with when each block ends. */
    blocks: (organizationId: string) => throttle.blocks(organizationScope(organizationId)),
    /** Ends an address's block for the organization; its blocks elsewhere stand. */
    lift: (organizationId: string, address: string) => throttle.lift(organizationScope(organizationId), address),
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
