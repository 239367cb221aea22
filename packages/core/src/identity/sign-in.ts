import { setTimeout as delay } from "node:timers/promises";
import type { Database } from "@relaypost/db";
import type { PasswordHasher } from "../hashing";
import type { AttemptStore } from "../throttle/attempt-store";
import { createThrottle, DEFAULT_THROTTLE_POLICY, type ThrottlePolicy } from "../throttle/throttle";
import { authenticateUser, normalizeEmail, type User } from "./users";

/**
 * Distinct failed passwords for one account, from any address, after which its sign-in is refused until the window
 * passes. Higher than an address's limit: refusing an account also refuses its owner, so this is the limit for a
 * guesser spread over many addresses, while one address is stopped at the policy's lower `blockAfter`.
 */
export const ACCOUNT_BLOCK_AFTER = 20;

export type SignInResult = { ok: true; user: User } | { ok: false; reason: "invalid" | "throttled" };

/** Dashboard sign-in, throttled like SMTP logins: per client address and per account, slowed and then refused. */
export function createSignIn(
  db: Database,
  hasher: PasswordHasher,
  attempts: AttemptStore,
  policy: Partial<ThrottlePolicy> = {},
  onBlocked: () => void = () => {},
) {
  const throttle = createThrottle(attempts, "sign-in", { ...DEFAULT_THROTTLE_POLICY, ...policy });
  return {
    async signIn(email: string, password: string, remoteAddress: string | null): Promise<SignInResult> {
      const account = normalizeEmail(email);
      const verified = await throttle.verify(
        {
          remoteAddress: remoteAddress ?? "unknown",
          keys: [{ key: `account:${account}`, blockAfter: ACCOUNT_BLOCK_AFTER }],
          secret: [account, password],
        },
        () => authenticateUser(db, hasher, email, password),
        (user) => user !== undefined,
      );
      if (verified.outcome === "blocked") {
        onBlocked();
        return { ok: false, reason: "throttled" };
      }
      if (verified.outcome === "succeeded" && verified.value) return { ok: true, user: verified.value };
      if (verified.outcome === "failed") await delay(verified.delayMs);
      return { ok: false, reason: "invalid" };
    },
    prune: throttle.prune,
  };
}
