import { createHmac, randomBytes } from "node:crypto";

export interface LoginThrottleOptions {
  /** Distinct failed passwords a key may try before its failures are answered with a delay. */
  delayAfter?: number;
  /** Distinct failed passwords after which an address is refused outright (`421`) until the window passes. */
  blockAfter?: number;
  /** First delay; each further distinct failure doubles it, up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long a failure counts against its key. */
  windowMs?: number;
  /** Most keys tracked; the least recently failed are forgotten past this, bounding memory under a spray. */
  maxTrackedKeys?: number;
  now?: () => number;
}

export interface ThrottleSubject {
  remoteAddress: string;
  /** The lookup id inside the presented password, when it had one. */
  lookupId?: string | undefined;
}

export interface ThrottleVerdict {
  blocked: boolean;
  /** How long to hold back the answer to a failed attempt. */
  delayMs: number;
}

/**
 * Throttles failed logins per client address and per credential, the way Dovecot's auth penalty does: what
 * escalates is the number of *distinct* failed (username, password) pairs. A client retrying one stale password,
 * or the same pair over AUTH PLAIN and then AUTH LOGIN, is one attempt however often it repeats; a guesser trying
 * new passwords climbs through longer delays to a block. State is per process, like Postfix's anvil.
 */
export function createLoginThrottle(options: LoginThrottleOptions = {}) {
  const delayAfter = options.delayAfter ?? 3;
  const blockAfter = options.blockAfter ?? 10;
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 8_000;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const maxTrackedKeys = options.maxTrackedKeys ?? 100_000;
  const now = options.now ?? Date.now;
  const secret = randomBytes(32);
  /** key → (attempt fingerprint → last seen), both in least-recently-failed order. */
  const failures = new Map<string, Map<string, number>>();

  const keysOf = (subject: ThrottleSubject) => [
    `ip:${subject.remoteAddress}`,
    ...(subject.lookupId ? [`credential:${subject.lookupId}`] : []),
  ];

  function distinctFailures(key: string): number {
    const seen = failures.get(key);
    if (!seen) return 0;
    const cutoff = now() - windowMs;
    for (const [fingerprint, at] of seen) {
      if (at > cutoff) break;
      seen.delete(fingerprint);
    }
    if (seen.size === 0) failures.delete(key);
    return seen.size;
  }

  function verdictFor(count: number): ThrottleVerdict {
    if (count >= blockAfter) return { blocked: true, delayMs: maxDelayMs };
    if (count < delayAfter) return { blocked: false, delayMs: 0 };
    return { blocked: false, delayMs: Math.min(maxDelayMs, baseDelayMs * 2 ** (count - delayAfter)) };
  }

  /**
   * Only the client's address is ever blocked. A credential's own count slows every failed attempt on it (from any
   * address) but never refuses one before verification: a guesser who learned a lookup id must not be able to lock
   * the legitimate application, which logs in with the right password from elsewhere, out of its own credential.
   */
  function check(subject: ThrottleSubject): ThrottleVerdict {
    const [addressKey, credentialKey] = keysOf(subject);
    const byAddress = verdictFor(addressKey ? distinctFailures(addressKey) : 0);
    const byCredential = verdictFor(credentialKey ? distinctFailures(credentialKey) : 0);
    return { blocked: byAddress.blocked, delayMs: Math.max(byAddress.delayMs, byCredential.delayMs) };
  }

  return {
    check,

    /** Counts a failed attempt; the fingerprint is an HMAC, so no password is kept. */
    recordFailure(subject: ThrottleSubject, attempt: { username: string; password: string }): ThrottleVerdict {
      const fingerprint = createHmac("sha256", secret)
        .update(attempt.username.toLowerCase())
        .update("\0")
        .update(attempt.password)
        .digest("base64url");
      for (const key of keysOf(subject)) {
        const seen = failures.get(key) ?? new Map<string, number>();
        failures.delete(key);
        failures.set(key, seen);
        seen.delete(fingerprint);
        seen.set(fingerprint, now());
        // Past the block nothing more needs counting; the oldest fingerprints go first.
        while (seen.size > blockAfter) {
          const oldest = seen.keys().next();
          if (oldest.done) break;
          seen.delete(oldest.value);
        }
      }
      while (failures.size > maxTrackedKeys) {
        const oldest = failures.keys().next();
        if (oldest.done) break;
        failures.delete(oldest.value);
      }
      return check(subject);
    },

    /** A successful login clears its credential's record; the address keeps its count so a valid login elsewhere
     * cannot launder a guesser's failures. */
    recordSuccess(lookupId: string): void {
      failures.delete(`credential:${lookupId}`);
    },

    get trackedKeys() {
      return failures.size;
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
