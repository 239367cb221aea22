import { createTestDatabase } from "@relaypost/db/testing";
import { describe, expect, it } from "vitest";
import { createPostgresAttemptStore } from "../throttle/postgres-attempt-store";
import { attemptStoreFor } from "../throttle/store-for-database";
import { createLoginThrottle, type LoginThrottleOptions } from "./login-throttle";
import { CredentialStoreUnavailableError } from "./verifier";

const WINDOW_MS = 15 * 60_000;

/** A throttle on the test database's store, blocking an address after 3 failures, with a clock the test moves. */
async function blockingThrottle(options: LoginThrottleOptions = {}) {
  const database = await createTestDatabase();
  const clock = { ms: Date.UTC(2026, 0, 1) };
  const throttle = createLoginThrottle(
    attemptStoreFor(database),
    { delayAfter: 10, blockAfter: 3, windowMs: WINDOW_MS, ...options },
    () => clock.ms,
  );
  let guesses = 0;
  /** A failure naming `organizationId`'s credential, or none; `malformed`: a password with no lookup id at all. */
  const attempt = (organizationId: string | undefined, malformed?: "malformed") =>
    throttle.verify(
      {
        remoteAddress: "198.51.100.7",
        lookupId: malformed ? undefined : "abcdefghijkl",
        organizationId,
        username: "app",
        password: `guess-${++guesses}`,
      },
      async () => false,
      (ok) => ok,
    );
  return { database, clock, throttle, attempt };
}

describe("SMTP login throttle", () => {
  it("slows failures on one credential from any address without refusing them, until a success clears it", async () => {
    const database = await createTestDatabase();
    try {
      const throttle = createLoginThrottle(attemptStoreFor(database), {
        delayAfter: 2,
        blockAfter: 3,
        baseDelayMs: 100,
        maxDelayMs: 100,
      });
      const attempt = (n: number, password: string) => ({
        remoteAddress: `192.0.2.${n}`,
        lookupId: "abcdefghijkl",
        organizationId: "org-a",
        username: "app",
        password,
      });
      const fail = async (n: number) =>
        throttle.verify(
          attempt(n, `guess-${n}`),
          async () => false,
          (ok) => ok,
        );
      // Five addresses, one failure each: no address reaches its limit, the credential's count grows.
      const delays = [];
      for (let n = 1; n <= 5; n++) {
        const verified = await fail(n);
        expect(verified.outcome).toBe("failed");
        delays.push(verified.outcome === "failed" ? verified.delayMs : undefined);
      }
      expect(delays).toEqual([0, 100, 100, 100, 100]);
      const success = await throttle.verify(
        attempt(6, "right"),
        async () => true,
        (ok) => ok,
      );
      expect(success.outcome).toBe("succeeded");
      expect(await fail(7)).toMatchObject({ outcome: "failed", delayMs: 0 });
    } finally {
      await database.destroy();
    }
  });

  it("reports an attempt store it cannot reach as an outage, and verifies nothing", async () => {
    const database = await createTestDatabase();
    const throttle = createLoginThrottle(createPostgresAttemptStore(database.db));
    await database.destroy();
    let verified = false;
    const attempt = {
      remoteAddress: "192.0.2.9",
      lookupId: "abcdefghijkl",
      organizationId: "org-a",
      username: "app",
      password: "x",
    };
    const outcome = throttle.verify(
      attempt,
      async () => {
        verified = true;
        return true;
      },
      (ok) => ok,
    );
    await expect(outcome).rejects.toBeInstanceOf(CredentialStoreUnavailableError);
    expect(verified).toBe(false);
  });

  it("refuses an address only for the organization whose credentials it failed against", async () => {
    const { database, attempt } = await blockingThrottle();
    try {
      for (let n = 0; n < 3; n++) expect((await attempt("org-a")).outcome).toBe("failed");
      expect((await attempt("org-a")).outcome).toBe("blocked");
      expect((await attempt("org-b")).outcome).toBe("failed");
    } finally {
      await database.destroy();
    }
  });

  it("counts malformed passwords toward their own, higher limit, which blocks no organization", async () => {
    const { database, attempt } = await blockingThrottle({ malformedBlockAfter: 5 });
    try {
      for (let n = 0; n < 5; n++) expect((await attempt(undefined, "malformed")).outcome).toBe("failed");
      expect((await attempt(undefined, "malformed")).outcome).toBe("blocked");
      expect((await attempt("org-a")).outcome).toBe("failed");
      expect((await attempt(undefined)).outcome).toBe("failed");
    } finally {
      await database.destroy();
    }
  });

  it("counts passwords with an unknown lookup id apart from every organization's", async () => {
    const { database, attempt } = await blockingThrottle();
    try {
      for (let n = 0; n < 3; n++) expect((await attempt(undefined)).outcome).toBe("failed");
      expect((await attempt(undefined)).outcome).toBe("blocked");
      expect((await attempt("org-a")).outcome).toBe("failed");
    } finally {
      await database.destroy();
    }
  });

  it("lists an organization's blocked addresses until their oldest counted failures leave the window", async () => {
    const { database, clock, throttle, attempt } = await blockingThrottle();
    try {
      const start = clock.ms;
      await attempt("org-a");
      expect(await throttle.blocks("org-a")).toEqual([]);
      for (let n = 0; n < 3; n++) {
        clock.ms += 1_000;
        await attempt("org-a");
      }
      await attempt("org-b");
      // The fourth was refused and not counted: the block lasts as long as the first failure counts.
      expect(await throttle.blocks("org-a")).toEqual([
        { address: "198.51.100.7", attempts: 3, until: new Date(start + WINDOW_MS) },
      ]);
      expect(await throttle.blocks("org-b")).toEqual([]);
      clock.ms = start + WINDOW_MS - 1;
      expect(await throttle.blocks("org-a")).toHaveLength(1);
      clock.ms = start + WINDOW_MS;
      expect(await throttle.blocks("org-a")).toEqual([]);
    } finally {
      await database.destroy();
    }
  });

  it("lifts a block for one organization and leaves the same address's block for another", async () => {
    const { database, throttle, attempt } = await blockingThrottle();
    try {
      for (let n = 0; n < 3; n++) {
        await attempt("org-a");
        await attempt("org-b");
      }
      await throttle.lift("org-a", "198.51.100.7");
      expect(await throttle.blocks("org-a")).toEqual([]);
      expect((await attempt("org-a")).outcome).toBe("failed");
      expect((await attempt("org-b")).outcome).toBe("blocked");
    } finally {
      await database.destroy();
    }
  });
});
