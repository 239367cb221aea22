import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresAttemptStore } from "../throttle/postgres-attempt-store";
import { attemptStoreFor } from "../throttle/store-for-database";
import { createLoginThrottle, type LoginThrottleOptions } from "./login-throttle";
import { CredentialStoreUnavailableError } from "./verifier";

const WINDOW_MS = 15 * 60_000;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

let throttles = 0;

/**
 * A throttle on the test database's store, blocking an address after 3 failures, with a clock the test moves. Its
 * organizations (`a`, `b`), lookup id and address are its own, so tests sharing the store never count each other.
 */
function blockingThrottle(options: LoginThrottleOptions = {}) {
  const n = ++throttles;
  const clock = { ms: Date.UTC(2026, 0, 1) };
  const throttle = createLoginThrottle(
    attemptStoreFor(database),
    { delayAfter: 10, blockAfter: 3, windowMs: WINDOW_MS, ...options },
    () => clock.ms,
  );
  const address = `198.51.100.${n}`;
  let guesses = 0;
  /** A failure naming `organizationId`'s credential, or none; `malformed`: a password with no lookup id at all. */
  const attempt = (organizationId: string | undefined, malformed?: "malformed") =>
    throttle.verify(
      {
        remoteAddress: address,
        lookupId: malformed ? undefined : `lookup${String(n).padStart(6, "0")}`,
        organizationId,
        username: "app",
        password: `guess-${++guesses}`,
      },
      async () => false,
      (ok) => ok,
    );
  return { clock, throttle, attempt, address, a: `org-a-${n}`, b: `org-b-${n}` };
}

describe("SMTP login throttle", () => {
  it("slows failures on one credential from any address without refusing them, until a success clears it", async () => {
    const throttle = createLoginThrottle(attemptStoreFor(database), {
      delayAfter: 2,
      blockAfter: 3,
      baseDelayMs: 100,
      maxDelayMs: 100,
    });
    const attempt = (n: number, password: string) => ({
      remoteAddress: `192.0.2.${n}`,
      lookupId: "slowedlookup",
      organizationId: "org-slowed",
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
  });

  it("reports an attempt store it cannot reach as an outage, and verifies nothing", async () => {
    const unreachable = await createTestDatabase();
    const throttle = createLoginThrottle(createPostgresAttemptStore(unreachable.db));
    await unreachable.destroy();
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
    const { attempt, a, b } = blockingThrottle();
    for (let n = 0; n < 3; n++) expect((await attempt(a)).outcome).toBe("failed");
    expect((await attempt(a)).outcome).toBe("blocked");
    expect((await attempt(b)).outcome).toBe("failed");
  });

  it("counts malformed passwords toward their own, higher limit, which blocks no organization", async () => {
    const { attempt, a } = blockingThrottle({ malformedBlockAfter: 5 });
    for (let n = 0; n < 5; n++) expect((await attempt(undefined, "malformed")).outcome).toBe("failed");
    expect((await attempt(undefined, "malformed")).outcome).toBe("blocked");
    expect((await attempt(a)).outcome).toBe("failed");
    expect((await attempt(undefined)).outcome).toBe("failed");
  });

  it("counts passwords with an unknown lookup id apart from every organization's", async () => {
    const { attempt, a } = blockingThrottle();
    for (let n = 0; n < 3; n++) expect((await attempt(undefined)).outcome).toBe("failed");
    expect((await attempt(undefined)).outcome).toBe("blocked");
    expect((await attempt(a)).outcome).toBe("failed");
  });

  it("lists an organization's blocked addresses until their oldest counted failures leave the window", async () => {
    const { clock, throttle, attempt, address, a, b } = blockingThrottle();
    const start = clock.ms;
    await attempt(a);
    expect(await throttle.blocks(a)).toEqual([]);
    for (let n = 0; n < 3; n++) {
      clock.ms += 1_000;
      await attempt(a);
    }
    await attempt(b);
    // The fourth was refused and not counted: the block lasts as long as the first failure counts.
    expect(await throttle.blocks(a)).toEqual([{ address, attempts: 3, until: new Date(start + WINDOW_MS) }]);
    expect(await throttle.blocks(b)).toEqual([]);
    clock.ms = start + WINDOW_MS - 1;
    expect(await throttle.blocks(a)).toHaveLength(1);
    clock.ms = start + WINDOW_MS;
    expect(await throttle.blocks(a)).toEqual([]);
  });

  it("lifts a block for one organization and leaves the same address's block for another", async () => {
    const { throttle, attempt, address, a, b } = blockingThrottle();
    for (let n = 0; n < 3; n++) {
      await attempt(a);
      await attempt(b);
    }
    await throttle.lift(a, address);
    expect(await throttle.blocks(a)).toEqual([]);
    expect((await attempt(a)).outcome).toBe("failed");
    expect((await attempt(b)).outcome).toBe("blocked");
  });
});
