import { createHmac, randomBytes } from "node:crypto";
import { createAddressGate } from "./address-gate";
import type { AttemptStore, KeyCount } from "./attempt-store";
import { throttleAddress } from "./client-address";

export interface ThrottlePolicy {
  /** Distinct attempts on a key before failures are answered late. */
  delayAfter: number;
  /** Distinct attempts after which a client address is refused until the window passes. */
  blockAfter: number;
  /** First delay; each further distinct failure doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long an attempt counts against its keys. */
  windowMs: number;
  /** Attempts from one address verified at once in this process; the others wait. */
  maxConcurrentPerAddress: number;
  /** Attempts from one address allowed to wait for their turn; past this they are refused. */
  maxWaitingPerAddress: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  delayAfter: 3,
  blockAfter: 10,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  windowMs: 15 * 60_000,
  maxConcurrentPerAddress: 4,
  maxWaitingPerAddress: 1_000,
};

/** A key an attempt is counted on besides its client address. */
export interface ThrottleKey {
  key: string;
  /** Refuses attempts once it holds this many; absent, the key only slows failures down. */
  blockAfter?: number;
  /** A success forgets every attempt on the key, not only its own. */
  clearOnSuccess?: boolean;
}

/**
 * Whose attempts an address's count is kept for: a block earned in one scope refuses only attempts in that scope.
 * Absent, the address has one count for every attempt.
 */
export interface AddressScope {
  name: string;
  /** The scope's own limit instead of the policy's `blockAfter`. */
  blockAfter?: number;
}

/** A client address refused in a scope until `until`, after `attempts` distinct attempts inside the window. */
export interface AddressBlock {
  address: string;
  attempts: number;
  until: Date;
}

export interface ThrottleAttempt {
  remoteAddress: string;
  scope?: AddressScope;
  keys: readonly ThrottleKey[];
  /** What identifies a repeat of the same attempt (user name and password); only an HMAC of it is kept. */
  secret: readonly string[];
}

export type Verified<T> =
  | { outcome: "blocked" }
  | { outcome: "succeeded"; value: T }
  | { outcome: "failed"; value: T; delayMs: number };

/**
 * Limits online guessing the way Dovecot's auth penalty does, counting *distinct* attempts (a client repeating one
 * stale password, or one pair over PLAIN then LOGIN, counts once) per client address and per named key within a
 * window. An attempt is reserved before it is verified and counts as a failure until it succeeds, so parallel
 * attempts cannot all slip under the limit while the first ones are still being verified.
 */
export function createThrottle(store: AttemptStore, prefix: string, policy: ThrottlePolicy, now = Date.now) {
  const secret = randomBytes(32);
  const gate = createAddressGate({
    maxConcurrent: policy.maxConcurrentPerAddress,
    maxWaiting: policy.maxWaitingPerAddress,
  });

  const fingerprintOf = (parts: readonly string[]) => {
    const hmac = createHmac("sha256", secret);
    for (const part of parts) hmac.update(part).update("\0");
    return hmac.digest("base64url");
  };

  const addressKeys = (scope: string | undefined) =>
    scope === undefined ? `${prefix}:address:` : `${prefix}:${scope}:address:`;
  const addressKey = (scope: string | undefined, address: string) => `${addressKeys(scope)}${address}`;

  /** A key stays blocking until enough of its oldest attempts leave the window to bring it under the limit. */
  async function blocks(scope: string | undefined, blockAfter = policy.blockAfter): Promise<AddressBlock[]> {
    const nowMs = now();
    const held = await store.list(addressKeys(scope), nowMs, policy.windowMs);
    return held
      .filter(({ times }) => times.length >= blockAfter)
      .map(({ key, times }) => ({
        address: key.slice(addressKeys(scope).length),
        attempts: times.length,
        until: new Date((times[times.length - blockAfter] ?? nowMs) + policy.windowMs),
      }));
  }

  const delayFor = (count: number) =>
    count < policy.delayAfter ? 0 : Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (count - policy.delayAfter));

  async function guarded<T>(
    attempt: ThrottleAttempt,
    address: string,
    verify: () => Promise<T>,
    succeeded: (value: T) => boolean,
  ): Promise<Verified<T>> {
    const keys: ThrottleKey[] = [
      { key: addressKey(attempt.scope?.name, address), blockAfter: attempt.scope?.blockAfter ?? policy.blockAfter },
    ];
    for (const extra of attempt.keys) keys.push({ ...extra, key: `${prefix}:${extra.key}` });
    const names = keys.map((k) => k.key);
    const fingerprint = fingerprintOf(attempt.secret);
    const cap = Math.max(policy.blockAfter, ...keys.map((k) => k.blockAfter ?? 0));
    const counts = await store.reserve({ keys: names, fingerprint, cap, nowMs: now(), windowMs: policy.windowMs });
    const countOf = (key: string): KeyCount | undefined => counts.find((c) => c.key === key);
    if (keys.some((k) => k.blockAfter !== undefined && (countOf(k.key)?.before ?? 0) >= k.blockAfter)) {
      const added = counts.filter((c) => c.after > c.before).map((c) => c.key);
      if (added.length > 0) await store.forget(added, fingerprint, []);
      return { outcome: "blocked" };
    }
    let value: T;
    try {
      value = await verify();
    } catch (error) {
      // Not an answer about the password (the database or the hasher was unavailable): nothing to count.
      await store.forget(names, fingerprint, []).catch(() => {});
      throw error;
    }
    if (succeeded(value)) {
      const clear = keys.filter((k) => k.clearOnSuccess).map((k) => k.key);
      await store.forget(names, fingerprint, clear);
      return { outcome: "succeeded", value };
    }
    return { outcome: "failed", value, delayMs: delayFor(Math.max(...counts.map((c) => c.after))) };
  }

  return {
    /**
     * Verifies an attempt unless its address or a blocking key has reached its limit. `succeeded` tells a verified
     * success from a failure; a failure's answer should be held back by `delayMs`.
     */
    async verify<T>(
      attempt: ThrottleAttempt,
      verify: () => Promise<T>,
      succeeded: (value: T) => boolean,
    ): Promise<Verified<T>> {
      const address = throttleAddress(attempt.remoteAddress);
      const result = await gate.run(address, () => guarded(attempt, address, verify, succeeded));
      return result ? result.value : { outcome: "blocked" };
    },
    prune: () => store.prune(now(), policy.windowMs),
    /** The addresses refused in `scope` now (`blockAfter`: the scope's own limit, when it has one). */
    blocks,
    /** Forgets every attempt an address has in `scope`, ending its block there and nowhere else. */
    lift: (scope: string | undefined, address: string) =>
      store.forget([], "", [addressKey(scope, throttleAddress(address))]),
  };
}

export type Throttle = ReturnType<typeof createThrottle>;
