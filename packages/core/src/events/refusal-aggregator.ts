import type { AuthRejectionReason, RejectionData } from "@relaypost/contract";
import type { EventPublisher } from "./publisher";
import type { EventEnvelope } from "./types";

/** How long refusals of one (organization, credential, address, reason) are counted into one event. */
export const REFUSAL_WINDOW_MS = 60_000;
/**
 * Events one address may write into one organization's history per window; further refusals from it are counted.
 * Enough for an admin to watch a misconfigured application retry one by one, far below what a flood produces.
 */
export const REFUSAL_EVENTS_PER_ADDRESS = 20;
/** Tallies (and address budgets) held at once, about 1 KiB each; past this, refusals are counted per organization. */
export const MAX_REFUSAL_TALLIES = 10_000;
/** How often windows that have closed are written. */
export const REFUSAL_TICK_MS = 1_000;

/**
 * Refusals answered before any hashing: the attacker pays nothing for them, so each window writes one event at
 * once and one count at its end. A malformed password is one (attributed by its username); refusals that cost an
 * argon2 verification are written one by one, within the per-address budget.
 */
const CHEAP_REASONS: ReadonlySet<AuthRejectionReason> = new Set(["tls_required", "throttled", "malformed_password"]);

/** A refused login attributed to a credential, as the SMTP authenticator reports it. */
export type Refusal = EventEnvelope & { data: RejectionData };

export interface RefusalAggregatorOptions {
  windowMs?: number;
  eventsPerAddress?: number;
  maxTallies?: number;
  /** 0 leaves closing windows to explicit `tick()` calls. */
  tickIntervalMs?: number;
  now?: () => number;
}

/** Refusals of one key in one window that were not written one by one, and when they happened. */
interface Tally {
  refusal: Refusal;
  start: number;
  last: number;
  count: number;
}

/**
 * Keeps refused logins from flooding an organization's history (docs/security.md): per (organization, credential,
 * address, reason) and window, cheap refusals write their first event at once and the rest as one event with
 * `data.count`, `data.windowStart` and `data.windowEnd` when the window closes; and whatever the reason, an address
 * writes at most `eventsPerAddress` events per organization and window before it is only counted the same way.
 * Memory is bounded: past `maxTallies` keys, refusals are counted per (organization, reason) without credential or
 * address, and past that too only in `stats().dropped`. State is per process, like the login throttle.
 */
export function createRefusalAggregator(
  publisher: Pick<EventPublisher, "publish">,
  options: RefusalAggregatorOptions = {},
) {
  const windowMs = options.windowMs ?? REFUSAL_WINDOW_MS;
  const eventsPerAddress = options.eventsPerAddress ?? REFUSAL_EVENTS_PER_ADDRESS;
  const maxTallies = options.maxTallies ?? MAX_REFUSAL_TALLIES;
  const now = options.now ?? Date.now;
  // Maps keep insertion order, which is window-start order: closing stops at the first window still open.
  const tallies = new Map<string, Tally>();
  const overflow = new Map<string, Tally>();
  const budgets = new Map<string, { start: number; written: number }>();
  let dropped = 0;

  function summarize(tally: Tally, windowEnd: number) {
    if (tally.count === 0) return;
    publisher.publish({
      ...tally.refusal,
      type: "auth.rejected",
      data: {
        ...tally.refusal.data,
        count: tally.count,
        windowStart: new Date(tally.start).toISOString(),
        windowEnd: new Date(windowEnd).toISOString(),
      },
      createdAt: new Date(tally.last),
    });
  }

  function closeExpired(map: Map<string, Tally>, at: number) {
    for (const [key, tally] of map) {
      if (at - tally.start < windowMs) return;
      map.delete(key);
      summarize(tally, tally.start + windowMs);
    }
  }

  /** Counts into the open tally of `key`, if any; a tally whose window has passed is written and forgotten. */
  function countInto(map: Map<string, Tally>, key: string, at: number): boolean {
    const tally = map.get(key);
    if (!tally) return false;
    if (at - tally.start >= windowMs) {
      map.delete(key);
      summarize(tally, tally.start + windowMs);
      return false;
    }
    tally.count++;
    tally.last = at;
    return true;
  }

  function spendBudget(refusal: Refusal, at: number): boolean {
    const key = `${refusal.organizationId} ${refusal.remoteAddress}`;
    let budget = budgets.get(key);
    if (budget && at - budget.start >= windowMs) {
      budgets.delete(key);
      budget = undefined;
    }
    if (!budget) {
      if (budgets.size >= maxTallies) return false;
      budget = { start: at, written: 0 };
      budgets.set(key, budget);
    }
    if (budget.written >= eventsPerAddress) return false;
    budget.written++;
    return true;
  }

  function startTally(key: string, refusal: Refusal, at: number, count: number) {
    if (tallies.size < maxTallies) return void tallies.set(key, { refusal, start: at, last: at, count });
    if (count === 0) return;
    const overflowKey = `${refusal.organizationId} ${refusal.data.reason}`;
    if (countInto(overflow, overflowKey, at)) return;
    if (overflow.size >= maxTallies) return void dropped++;
    const anonymous = { ...refusal, credentialId: null, username: null, remoteAddress: null };
    overflow.set(overflowKey, { refusal: anonymous, start: at, last: at, count });
  }

  function record(refusal: Refusal): void {
    const at = now();
    const key = `${refusal.organizationId} ${refusal.credentialId} ${refusal.remoteAddress} ${refusal.data.reason}`;
    if (countInto(tallies, key, at)) return;
    if (spendBudget(refusal, at)) {
      publisher.publish({ ...refusal, type: "auth.rejected" });
      if (CHEAP_REASONS.has(refusal.data.reason)) startTally(key, refusal, at, 0);
    } else startTally(key, refusal, at, 1);
  }

  /** Writes the windows that have closed and forgets address budgets that have run out. */
  function tick(): void {
    const at = now();
    closeExpired(tallies, at);
    closeExpired(overflow, at);
    for (const [key, budget] of budgets) {
      if (at - budget.start < windowMs) break;
      budgets.delete(key);
    }
  }

  /** Writes every open window as it stands, ending now (shutdown). */
  function flush(): void {
    const at = now();
    for (const map of [tallies, overflow]) {
      for (const tally of map.values()) summarize(tally, at);
      map.clear();
    }
    budgets.clear();
  }

  const tickIntervalMs = options.tickIntervalMs ?? REFUSAL_TICK_MS;
  const timer = tickIntervalMs > 0 ? setInterval(tick, tickIntervalMs) : undefined;
  timer?.unref();

  return {
    record,
    tick,
    flush,
    /** Stops closing windows on a timer and writes the open ones. */
    close(): void {
      clearInterval(timer);
      flush();
    },
    stats: () => ({ tallies: tallies.size + overflow.size, addresses: budgets.size, dropped }),
  };
}

export type RefusalAggregator = ReturnType<typeof createRefusalAggregator>;
