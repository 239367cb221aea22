import { describe, expect, it } from "vitest";
import { createLoginThrottle } from "./login-throttle";

const options = { delayAfter: 2, blockAfter: 5, baseDelayMs: 100, maxDelayMs: 1_000, windowMs: 60_000 };
const fromIp = (remoteAddress: string, lookupId?: string) => ({ remoteAddress, lookupId });

describe("login throttle", () => {
  it("lets the first failures through, then escalates the delay, then blocks", () => {
    const throttle = createLoginThrottle(options);
    const verdicts = Array.from({ length: 5 }, (_, n) =>
      throttle.recordFailure(fromIp("192.0.2.1"), { username: "guesser", password: `guess-${n}` }),
    );
    expect(verdicts).toEqual([
      { blocked: false, delayMs: 0 },
      { blocked: false, delayMs: 100 },
      { blocked: false, delayMs: 200 },
      { blocked: false, delayMs: 400 },
      { blocked: true, delayMs: 1_000 },
    ]);
    expect(throttle.check(fromIp("192.0.2.1")).blocked).toBe(true);
    expect(throttle.check(fromIp("192.0.2.2"))).toEqual({ blocked: false, delayMs: 0 });
  });

  it("does not escalate a client that repeats one stale password", () => {
    const throttle = createLoginThrottle(options);
    for (let n = 0; n < 50; n++) {
      throttle.recordFailure(fromIp("192.0.2.1", "lookup000001"), { username: "app", password: "stale" });
    }
    expect(throttle.check(fromIp("192.0.2.1", "lookup000001"))).toEqual({ blocked: false, delayMs: 0 });
  });

  it("counts the same pair over AUTH PLAIN and then AUTH LOGIN as one attempt, whatever the username case", () => {
    const throttle = createLoginThrottle(options);
    throttle.recordFailure(fromIp("192.0.2.1"), { username: "App", password: "p" });
    const second = throttle.recordFailure(fromIp("192.0.2.1"), { username: "app", password: "p" });
    expect(second).toEqual({ blocked: false, delayMs: 0 });
  });

  it("slows failures on a credential guessed at from many addresses, but never locks its owner out", () => {
    const throttle = createLoginThrottle(options);
    for (let n = 0; n < 5; n++) {
      throttle.recordFailure(fromIp(`198.51.100.${n}`, "target000001"), { username: "app", password: `guess-${n}` });
    }
    expect(throttle.check(fromIp("203.0.113.9", "target000001"))).toEqual({ blocked: false, delayMs: 1_000 });
    expect(throttle.check(fromIp("203.0.113.9", "other0000001"))).toEqual({ blocked: false, delayMs: 0 });
  });

  it("clears a credential's failures on success but keeps the address's", () => {
    const throttle = createLoginThrottle(options);
    for (let n = 0; n < 3; n++) {
      throttle.recordFailure(fromIp("192.0.2.1", "lookup000001"), { username: "app", password: `guess-${n}` });
    }
    throttle.recordSuccess("lookup000001");
    expect(throttle.check(fromIp("192.0.2.7", "lookup000001")).delayMs).toBe(0);
    expect(throttle.check(fromIp("192.0.2.1")).delayMs).toBe(200);
  });

  it("forgets failures once the window has passed", () => {
    let clock = 0;
    const throttle = createLoginThrottle({ ...options, now: () => clock });
    for (let n = 0; n < 5; n++) throttle.recordFailure(fromIp("192.0.2.1"), { username: "x", password: `g${n}` });
    expect(throttle.check(fromIp("192.0.2.1")).blocked).toBe(true);
    clock = 60_001;
    expect(throttle.check(fromIp("192.0.2.1"))).toEqual({ blocked: false, delayMs: 0 });
    expect(throttle.trackedKeys).toBe(0);
  });

  it("bounds its memory under a spray of addresses", () => {
    const throttle = createLoginThrottle({ ...options, maxTrackedKeys: 100 });
    for (let n = 0; n < 1_000; n++) {
      throttle.recordFailure(fromIp(`10.0.${n >> 8}.${n & 255}`), { username: "x", password: "y" });
    }
    expect(throttle.trackedKeys).toBe(100);
  });
});
