import type { AuthRejectionReason } from "@relaypost/contract";
import { describe, expect, it } from "vitest";
import {
  createRefusalAggregator,
  REFUSAL_EVENTS_PER_ADDRESS,
  REFUSAL_WINDOW_MS,
  type Refusal,
  type RefusalAggregatorOptions,
} from "./refusal-aggregator";
import type { NewEvent } from "./types";

const START = Date.parse("2024-06-01T12:00:00Z");

/** How many refusals a written event counts, when it is a counted one. */
const countOf = (event: NewEvent | undefined) => (event?.type === "auth.rejected" ? event.data.count : undefined);

/** An aggregator on a clock the test moves, writing into an array; windows close only when the test ticks. */
function setUp(options: RefusalAggregatorOptions = {}) {
  const written: NewEvent[] = [];
  let clock = START;
  const aggregator = createRefusalAggregator(
    { publish: (event) => void written.push(event) },
    { tickIntervalMs: 0, now: () => clock, ...options },
  );
  return {
    aggregator,
    written,
    advance(ms: number) {
      clock += ms;
    },
    /** Refusals the written events stand for: one each, or their count. */
    accounted: () => written.reduce((sum, e) => sum + (countOf(e) ?? 1), 0),
  };
}

const refusal = (reason: AuthRejectionReason, overrides: Partial<Refusal> = {}): Refusal => ({
  organizationId: "org-1",
  credentialId: "cred-1",
  username: "app",
  remoteAddress: "203.0.113.9",
  data: { reason, method: "PLAIN", tls: false },
  ...overrides,
});

describe("refusal aggregator", () => {
  it("writes the first cheap refusal of a window at once and the rest as one counted event when it closes", () => {
    const { aggregator, written, advance, accounted } = setUp();
    aggregator.record(refusal("throttled"));
    expect(written).toEqual([{ ...refusal("throttled"), type: "auth.rejected" }]);
    for (let i = 0; i < 1_999; i++) {
      advance(10);
      aggregator.record(refusal("throttled"));
    }
    aggregator.tick();
    expect(written).toHaveLength(1);
    advance(REFUSAL_WINDOW_MS);
    aggregator.tick();
    expect(written).toHaveLength(2);
    expect(written[1]).toEqual({
      ...refusal("throttled"),
      type: "auth.rejected",
      data: {
        reason: "throttled",
        method: "PLAIN",
        tls: false,
        count: 1_999,
        windowStart: new Date(START).toISOString(),
        windowEnd: new Date(START + REFUSAL_WINDOW_MS).toISOString(),
      },
      createdAt: new Date(START + 1_999 * 10),
    });
    expect(accounted()).toBe(2_000);
  });

  it("writes nothing more for a window in which only the first refusal came", () => {
    const { aggregator, written, advance } = setUp();
    aggregator.record(refusal("tls_required"));
    advance(REFUSAL_WINDOW_MS);
    aggregator.tick();
    expect(written).toHaveLength(1);
  });

  it("keeps credentials, addresses and reasons apart, and opens a new window once one has closed", () => {
    const { aggregator, written, advance, accounted } = setUp();
    const kinds = [
      refusal("throttled"),
      refusal("tls_required"),
      refusal("throttled", { credentialId: "cred-2" }),
      refusal("throttled", { remoteAddress: "198.51.100.1" }),
    ];
    for (let round = 0; round < 3; round++) for (const kind of kinds) aggregator.record(kind);
    expect(written).toHaveLength(4);
    advance(REFUSAL_WINDOW_MS);
    aggregator.record(refusal("throttled"));
    // The closed window is written before the refusal that opens the next one, which is written at once.
    expect(written.slice(4).map(countOf)).toEqual([2, undefined]);
    aggregator.tick();
    expect(written.slice(6).map(countOf)).toEqual([2, 2, 2]);
    expect(accounted()).toBe(13);
  });

  it("writes expensive refusals one by one up to the address's budget, then counts them", () => {
    const { aggregator, written, advance, accounted } = setUp();
    for (let i = 0; i < REFUSAL_EVENTS_PER_ADDRESS + 30; i++) aggregator.record(refusal("bad_password"));
    expect(written).toHaveLength(REFUSAL_EVENTS_PER_ADDRESS);
    expect(written.every((e) => countOf(e) === undefined)).toBe(true);
    // Another address, or the same address in another organization, has a budget of its own.
    aggregator.record(refusal("bad_password", { remoteAddress: "198.51.100.1" }));
    aggregator.record(refusal("inactive", { organizationId: "org-2" }));
    expect(written).toHaveLength(REFUSAL_EVENTS_PER_ADDRESS + 2);
    advance(REFUSAL_WINDOW_MS);
    aggregator.tick();
    expect(written.at(-1)?.data).toMatchObject({ reason: "bad_password", count: 30 });
    expect(accounted()).toBe(REFUSAL_EVENTS_PER_ADDRESS + 32);
    // The next window starts with a fresh budget.
    aggregator.record(refusal("bad_password"));
    expect(countOf(written.at(-1))).toBeUndefined();
  });

  it("counts cheap refusals of new keys too once the address's budget is spent", () => {
    const { aggregator, written, advance, accounted } = setUp({ eventsPerAddress: 2 });
    for (let c = 0; c < 10; c++) aggregator.record(refusal("throttled", { credentialId: `cred-${c}` }));
    expect(written).toHaveLength(2);
    advance(REFUSAL_WINDOW_MS);
    aggregator.tick();
    expect(written).toHaveLength(10);
    expect(accounted()).toBe(10);
  });

  it("holds no more tallies than its cap, counting the rest per organization and reason", () => {
    const { aggregator, written, advance, accounted } = setUp({ maxTallies: 50, eventsPerAddress: 1 });
    for (let a = 0; a < 5_000; a++) aggregator.record(refusal("throttled", { remoteAddress: `2001:db8::${a}` }));
    expect(aggregator.stats()).toEqual({ tallies: 51, addresses: 50, dropped: 0 });
    advance(REFUSAL_WINDOW_MS);
    aggregator.tick();
    const overflow = written.filter((e) => e.remoteAddress === null);
    expect(overflow).toHaveLength(1);
    expect(overflow[0]).toMatchObject({ organizationId: "org-1", credentialId: null, username: null });
    expect(overflow[0]?.data).toMatchObject({ reason: "throttled", count: 4_950 });
    expect(accounted()).toBe(5_000);
    expect(aggregator.stats()).toEqual({ tallies: 0, addresses: 0, dropped: 0 });
  });

  it("only counts in stats what not even the overflow can hold", () => {
    const { aggregator } = setUp({ maxTallies: 2, eventsPerAddress: 0 });
    for (let o = 0; o < 10; o++) {
      aggregator.record(refusal("throttled", { organizationId: `org-${o}`, remoteAddress: `2001:db8::${o}` }));
    }
    expect(aggregator.stats()).toEqual({ tallies: 4, addresses: 2, dropped: 6 });
  });

  it("closes a passed window and renews the address's budget when the next refusal comes, without a tick", () => {
    const { aggregator, written, advance } = setUp({ eventsPerAddress: 1 });
    aggregator.record(refusal("bad_password"));
    aggregator.record(refusal("bad_password"));
    expect(written.map(countOf)).toEqual([undefined]);
    // Exactly one window later: both the tally's window and the budget's have ended.
    advance(REFUSAL_WINDOW_MS);
    aggregator.record(refusal("bad_password"));
    expect(written.map(countOf)).toEqual([undefined, 1, undefined]);
    expect(written[1]?.data).toMatchObject({
      windowStart: new Date(START).toISOString(),
      windowEnd: new Date(START + REFUSAL_WINDOW_MS).toISOString(),
    });
  });

  it("keeps an address's spent budget through a tick inside its window", () => {
    const { aggregator, written, advance } = setUp({ eventsPerAddress: 1 });
    aggregator.record(refusal("bad_password"));
    advance(REFUSAL_WINDOW_MS - 1);
    aggregator.tick();
    aggregator.record(refusal("bad_password", { credentialId: "cred-2" }));
    expect(written).toHaveLength(1);
    expect(aggregator.stats()).toEqual({ tallies: 1, addresses: 1, dropped: 0 });
  });

  it("opens no overflow tally for a cheap refusal written at once when the tallies are full", () => {
    const { aggregator, written } = setUp({ maxTallies: 1 });
    aggregator.record(refusal("throttled"));
    aggregator.record(refusal("throttled", { credentialId: "cred-2" }));
    expect(written).toHaveLength(2);
    expect(aggregator.stats()).toEqual({ tallies: 1, addresses: 1, dropped: 0 });
  });

  it("writes every open window when flushed at shutdown, ending then", () => {
    const { aggregator, written, advance, accounted } = setUp();
    for (let i = 0; i < 5; i++) aggregator.record(refusal("tls_required"));
    for (let i = 0; i < REFUSAL_EVENTS_PER_ADDRESS + 3; i++) aggregator.record(refusal("bad_password"));
    advance(1_000);
    aggregator.close();
    expect(written.slice(-2).map((e) => e.data)).toEqual([
      expect.objectContaining({ reason: "tls_required", count: 4, windowEnd: new Date(START + 1_000).toISOString() }),
      expect.objectContaining({ reason: "bad_password", count: 4 }),
    ]);
    expect(accounted()).toBe(5 + REFUSAL_EVENTS_PER_ADDRESS + 3);
    expect(aggregator.stats()).toEqual({ tallies: 0, addresses: 0, dropped: 0 });
  });
});
