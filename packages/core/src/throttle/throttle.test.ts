import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AttemptStore, createMemoryAttemptStore } from "./attempt-store";
import { createPostgresAttemptStore } from "./postgres-attempt-store";
import { createThrottle, type ThrottleAttempt, type ThrottlePolicy } from "./throttle";

const POLICY: ThrottlePolicy = {
  delayAfter: 2,
  blockAfter: 5,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  windowMs: 60_000,
  maxConcurrentPerAddress: 4,
  maxWaitingPerAddress: 1_000,
};

const from = (remoteAddress: string, secret: string, keys: ThrottleAttempt["keys"] = []): ThrottleAttempt => ({
  remoteAddress,
  keys,
  secret: ["user", secret],
});
const fail = async () => false;
const pass = async () => true;
const isTrue = (value: boolean) => value;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

const stores: Array<[string, () => AttemptStore]> = [
  ["in the process", () => createMemoryAttemptStore()],
  ["in the database", () => createPostgresAttemptStore(database.db)],
];

describe.each(stores)("throttle with attempts kept %s", (_, makeStore) => {
  let clock = 1_000_000;
  const now = () => clock;
  const throttleOf = (policy: Partial<ThrottlePolicy> = {}) =>
    createThrottle(makeStore(), `t${Math.random()}`, { ...POLICY, ...policy }, now);

  it("lets the first failures through, then escalates the delay, then refuses the address", async () => {
    const throttle = throttleOf();
    const results = [];
    for (let n = 0; n < 6; n++) results.push(await throttle.verify(from("192.0.2.1", `guess-${n}`), fail, isTrue));
    expect(results.map((r) => (r.outcome === "failed" ? r.delayMs : r.outcome))).toEqual([
      0,
      100,
      200,
      400,
      800,
      "blocked",
    ]);
    expect((await throttle.verify(from("192.0.2.2", "guess"), fail, isTrue)).outcome).toBe("failed");
  });

  it("counts attempts still being verified, so parallel guesses cannot all slip under the limit", async () => {
    const throttle = throttleOf({ maxConcurrentPerAddress: 100 });
    const guesses = 50;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let verified = 0;
    let settled = 0;
    // Verifications are held until every other guess has been answered (or, were reservations broken, until every
    // guess is being verified), so all 50 are in flight together.
    const settle = () => {
      if (verified + settled === guesses) release();
    };
    const slowFail = async () => {
      verified++;
      settle();
      await held;
      return false;
    };
    const attempts = Array.from({ length: guesses }, (_, n) =>
      throttle.verify(from("192.0.2.1", `g${n}`), slowFail, isTrue).then((result) => {
        if (result.outcome === "blocked") {
          settled++;
          settle();
        }
        return result;
      }),
    );
    const outcomes = (await Promise.all(attempts)).map((r) => r.outcome);
    expect(verified).toBe(POLICY.blockAfter);
    expect(outcomes.filter((o) => o === "failed")).toHaveLength(POLICY.blockAfter);
    expect(outcomes.filter((o) => o === "blocked")).toHaveLength(guesses - POLICY.blockAfter);
  });

  it("counts a success as no failure at all", async () => {
    const throttle = throttleOf();
    for (let n = 0; n < 20; n++) {
      expect((await throttle.verify(from("192.0.2.1", `right-${n}`), pass, isTrue)).outcome).toBe("succeeded");
    }
    expect(await throttle.verify(from("192.0.2.1", "wrong"), fail, isTrue)).toEqual({
      outcome: "failed",
      value: false,
      delayMs: 0,
    });
  });

  it("does not escalate a client that repeats one stale password", async () => {
    const throttle = throttleOf();
    for (let n = 0; n < 20; n++) {
      const result = await throttle.verify(from("192.0.2.1", "stale"), fail, isTrue);
      expect(result).toEqual({ outcome: "failed", value: false, delayMs: 0 });
    }
  });

  it("slows failures on a key guessed at from many addresses without ever refusing it", async () => {
    const throttle = throttleOf();
    const credential = [{ key: "credential:target", clearOnSuccess: true }];
    for (let n = 0; n < 8; n++) await throttle.verify(from(`198.51.100.${n}`, `guess-${n}`, credential), fail, isTrue);
    const next = await throttle.verify(from("203.0.113.9", "another", credential), fail, isTrue);
    expect(next).toEqual({ outcome: "failed", value: false, delayMs: 800 });
    expect((await throttle.verify(from("203.0.113.9", "right", credential), pass, isTrue)).outcome).toBe("succeeded");
  });

  it("refuses a blocking key from every address once it is full", async () => {
    const throttle = throttleOf();
    const account = [{ key: "account:a@example.com", blockAfter: 3 }];
    for (let n = 0; n < 3; n++) await throttle.verify(from(`198.51.100.${n}`, `guess-${n}`, account), fail, isTrue);
    expect((await throttle.verify(from("203.0.113.9", "right", account), pass, isTrue)).outcome).toBe("blocked");
    const other = [{ key: "account:b@example.com", blockAfter: 3 }];
    expect((await throttle.verify(from("203.0.113.9", "right", other), pass, isTrue)).outcome).toBe("succeeded");
  });

  it("counts nothing for an attempt refused as blocked, on any key it named", async () => {
    const throttle = throttleOf();
    for (let n = 0; n < 5; n++) await throttle.verify(from("192.0.2.1", `guess-${n}`), fail, isTrue);
    const credential = [{ key: "credential:spared" }];
    for (let n = 0; n < 10; n++) {
      const refused = await throttle.verify(from("192.0.2.1", `more-${n}`, credential), fail, isTrue);
      expect(refused.outcome).toBe("blocked");
    }
    expect(await throttle.verify(from("192.0.2.77", "first", credential), fail, isTrue)).toMatchObject({ delayMs: 0 });
  });

  it("clears a key marked so on success, while the address keeps its failures", async () => {
    const throttle = throttleOf();
    const credential = [{ key: "credential:c1", clearOnSuccess: true }];
    for (let n = 0; n < 3; n++) await throttle.verify(from("192.0.2.1", `guess-${n}`, credential), fail, isTrue);
    await throttle.verify(from("192.0.2.50", "right", credential), pass, isTrue);
    expect(await throttle.verify(from("192.0.2.60", "new", credential), fail, isTrue)).toMatchObject({ delayMs: 0 });
    expect(await throttle.verify(from("192.0.2.1", "another"), fail, isTrue)).toMatchObject({ delayMs: 400 });
  });

  it("counts nothing for an attempt whose verification could not run", async () => {
    const throttle = throttleOf();
    const outage = async (): Promise<boolean> => {
      throw new Error("database unreachable");
    };
    for (let n = 0; n < 10; n++) {
      await expect(throttle.verify(from("192.0.2.1", `g${n}`), outage, isTrue)).rejects.toThrow("unreachable");
    }
    expect(await throttle.verify(from("192.0.2.1", "next"), fail, isTrue)).toMatchObject({ delayMs: 0 });
  });

  it("forgets attempts once the window has passed, and prunes keys left empty", async () => {
    const throttle = throttleOf();
    for (let n = 0; n < 5; n++) await throttle.verify(from("192.0.2.1", `g${n}`), fail, isTrue);
    expect((await throttle.verify(from("192.0.2.1", "g9"), fail, isTrue)).outcome).toBe("blocked");
    clock += POLICY.windowMs + 1;
    expect(await throttle.verify(from("192.0.2.1", "g9"), fail, isTrue)).toMatchObject({ delayMs: 0 });
    clock += POLICY.windowMs + 1;
    expect(await throttle.prune()).toBeGreaterThan(0);
  });

  it("counts an IPv6 client's whole /64 as one address", async () => {
    const throttle = throttleOf();
    for (let n = 0; n < 5; n++) await throttle.verify(from(`2001:db8:0:1::${n + 1}`, `g${n}`), fail, isTrue);
    expect((await throttle.verify(from("2001:db8:0:1:ffff::9", "g9"), fail, isTrue)).outcome).toBe("blocked");
    expect((await throttle.verify(from("2001:db8:0:2::1", "g9"), fail, isTrue)).outcome).toBe("failed");
  });

  it("refuses attempts past the address's waiting room at once", async () => {
    const throttle = throttleOf({ maxConcurrentPerAddress: 1, maxWaitingPerAddress: 2 });
    let release: () => void = () => {};
    const held = new Promise<boolean>((resolve) => {
      release = () => resolve(true);
    });
    const first = throttle.verify(from("192.0.2.1", "a"), () => held, isTrue);
    const waiting = [
      throttle.verify(from("192.0.2.1", "b"), pass, isTrue),
      throttle.verify(from("192.0.2.1", "c"), pass, isTrue),
    ];
    expect((await throttle.verify(from("192.0.2.1", "d"), pass, isTrue)).outcome).toBe("blocked");
    release();
    expect((await Promise.all([first, ...waiting])).map((r) => r.outcome)).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
    ]);
  });
});

describe("attempts kept in the process", () => {
  it("bound their memory under a spray of addresses", async () => {
    const store = createMemoryAttemptStore(100);
    for (let n = 0; n < 1_000; n++) {
      await store.reserve({ keys: [`ip:${n}`], fingerprint: "f", cap: 5, nowMs: 1, windowMs: 10 });
    }
    expect(await store.prune(1, 10)).toBe(0);
    const counts = await store.reserve({ keys: ["ip:0", "ip:999"], fingerprint: "g", cap: 5, nowMs: 1, windowMs: 10 });
    expect(counts).toEqual([
      { key: "ip:0", before: 0, after: 1 },
      { key: "ip:999", before: 1, after: 2 },
    ]);
  });
});

describe.each(stores)("attempts kept %s", (_, makeStore) => {
  it("take reservations racing on keys, some already kept and some new, one after another without a deadlock", async () => {
    const store = makeStore();
    const nowMs = 2_000_000;
    for (let round = 0; round < 5; round++) {
      const key = (name: string) => `race${round}${Math.random()}:${name}`;
      const [a, b, c, d] = [key("a"), key("b"), key("c"), key("d")] as const;
      // b and d are kept already; a and c are new, so each reservation mixes both kinds.
      await store.reserve({ keys: [b, d], fingerprint: "seed", cap: 1_000, nowMs, windowMs: 60_000 });
      const sets: string[][] = [
        [a, b],
        [b, c],
        [a, b, c, d],
        [d, c],
        [c, a, d],
      ];
      // Successes clearing b meanwhile: a cleared key must not come back as a new row taken out of order.
      const clears = Array.from({ length: 10 }, () => store.forget([d], "seed", [b]));
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, n) =>
          store.reserve({
            keys: sets[n % sets.length] ?? [],
            fingerprint: `f${n}`,
            cap: 1_000,
            nowMs,
            windowMs: 60_000,
          }),
        ),
      );
      await Promise.all(clears);
      const finalCount = (name: string) =>
        Math.max(
          ...results
            .flat()
            .filter((r) => r.key === name)
            .map((r) => r.after),
        );
      // Every reservation was counted on every key it named; b was cleared at some point among them.
      expect([a, c].map(finalCount)).toEqual([24, 32]);
      expect(finalCount(b)).toBeGreaterThan(0);
    }
  });
});
