import { createHmac, randomBytes } from "node:crypto";

export interface VerificationCacheOptions {
  /** Most entries kept; the least recently used is dropped past this. */
  maxEntries?: number;
}

/**
 * Remembers successful argon2 verifications: an HMAC of the presented password (keyed with a per-process secret,
 * so the cache never holds anything a password could be recovered from) maps to the exact hash it was verified
 * against. A hit counts only when that hash equals the one just read from the database, so a regenerated,
 * deactivated or deleted credential can never be vouched for by the cache: there is no TTL to outlive.
 */
export function createVerificationCache(options: VerificationCacheOptions = {}) {
  const maxEntries = options.maxEntries ?? 10_000;
  const key = randomBytes(32);
  const entries = new Map<string, string>();
  const digest = (password: string) => createHmac("sha256", key).update(password).digest("base64url");

  /** The one of `passwordHashes` that `password` was verified against before, if any. */
  function matching(password: string, passwordHashes: readonly string[]): string | undefined {
    const id = digest(password);
    const cached = entries.get(id);
    if (cached === undefined) return undefined;
    if (!passwordHashes.includes(cached)) {
      entries.delete(id);
      return undefined;
    }
    // Re-inserting moves the entry to the young end, so eviction drops the least recently used.
    entries.delete(id);
    entries.set(id, cached);
    return cached;
  }

  return {
    /** True when `password` was verified before against exactly `passwordHash`. */
    vouches: (password: string, passwordHash: string): boolean => matching(password, [passwordHash]) !== undefined,
    matching,
    remember(password: string, passwordHash: string): void {
      const id = digest(password);
      entries.delete(id);
      entries.set(id, passwordHash);
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    get size() {
      return entries.size;
    },
  };
}

export type VerificationCache = ReturnType<typeof createVerificationCache>;
