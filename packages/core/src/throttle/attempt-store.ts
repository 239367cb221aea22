/** What a reservation found on one key. */
export interface KeyCount {
  key: string;
  /** Live attempts on the key before this one (including this fingerprint if it was there already). */
  before: number;
  /** Live attempts after: one more than `before` when this fingerprint was new and the key had room. */
  after: number;
}

export interface ReserveRequest {
  keys: readonly string[];
  fingerprint: string;
  /** A key holding this many live attempts takes no new fingerprint. */
  cap: number;
  nowMs: number;
  windowMs: number;
}

/**
 * Where throttles keep recent attempts: in the process for embedded PGlite (one process owns it), in PostgreSQL when
 * several processes share a database, so that N processes still allow one limit between them.
 */
export interface AttemptStore {
  /** Records the fingerprint on every key in one atomic step per key, dropping attempts older than the window. */
  reserve(request: ReserveRequest): Promise<KeyCount[]>;
  /** Removes the fingerprint from `keys` and every attempt from `clearKeys`. */
  forget(keys: readonly string[], fingerprint: string, clearKeys: readonly string[]): Promise<void>;
  /** Drops keys with no attempt inside the window; returns how many went. */
  prune(nowMs: number, windowMs: number): Promise<number>;
  /** Keys starting with `prefix` that hold live attempts, each with their times (epoch ms), oldest first. */
  list(prefix: string, nowMs: number, windowMs: number): Promise<KeyAttempts[]>;
}

export interface KeyAttempts {
  key: string;
  times: number[];
}

/** Bounds memory under an address spray: the least recently touched keys are forgotten past this. */
const MAX_TRACKED_KEYS = 100_000;

export function createMemoryAttemptStore(maxTrackedKeys = MAX_TRACKED_KEYS): AttemptStore {
  /** key → (fingerprint → epoch ms), both in least-recently-touched order. */
  const keys = new Map<string, Map<string, number>>();

  function live(key: string, cutoff: number): Map<string, number> {
    const attempts = keys.get(key) ?? new Map<string, number>();
    for (const [fingerprint, at] of attempts) if (at <= cutoff) attempts.delete(fingerprint);
    keys.delete(key);
    keys.set(key, attempts);
    return attempts;
  }

  return {
    async reserve({ keys: requested, fingerprint, cap, nowMs, windowMs }) {
      const counts = requested.map((key) => {
        const attempts = live(key, nowMs - windowMs);
        const before = attempts.size;
        if (attempts.has(fingerprint) || before < cap) {
          attempts.delete(fingerprint);
          attempts.set(fingerprint, nowMs);
        }
        return { key, before, after: attempts.size };
      });
      for (const oldest of keys.keys()) {
        if (keys.size <= maxTrackedKeys) break;
        keys.delete(oldest);
      }
      return counts;
    },
    async forget(forgetIn, fingerprint, clearKeys) {
      for (const key of forgetIn) keys.get(key)?.delete(fingerprint);
      for (const key of clearKeys) keys.delete(key);
    },
    async list(prefix, nowMs, windowMs) {
      const cutoff = nowMs - windowMs;
      const found: KeyAttempts[] = [];
      // Read without `live`, which would mark every listed key as recently touched.
      for (const [key, attempts] of keys) {
        if (!key.startsWith(prefix)) continue;
        const times = [...attempts.values()].filter((at) => at > cutoff).sort((a, b) => a - b);
        if (times.length > 0) found.push({ key, times });
      }
      return found;
    },
    async prune(nowMs, windowMs) {
      let pruned = 0;
      for (const key of [...keys.keys()]) {
        if (live(key, nowMs - windowMs).size > 0) continue;
        keys.delete(key);
        pruned++;
      }
      return pruned;
    },
  };
}
