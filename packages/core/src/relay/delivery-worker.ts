import type { Database } from "@relaypost/db";
import type { NewEvent, RelayEvent } from "../events/types";
import { applyAnswer, decideFate, exponentialBackoff } from "./attempt-outcome";
import { type AttemptRecord, type ClaimedMessage, claimDue, recordOutcomes } from "./outbox";
import type { Upstream } from "./upstream";
import { createUpstreamClient } from "./upstream-client";

export interface DeliveryOptions {
  upstream: Upstream;
  /** Connections open to the upstream at once, per process. */
  maxConnections?: number;
  /** How long an undeliverable message keeps being retried (default 24 h). */
  maxAgeMs?: number;
  /** How long a claim holds a message; a process that dies holding it frees it this long after claiming. */
  leaseMs?: number;
  /** How often idle workers look for due messages (deferrals coming due, a wake-up that was missed). */
  pollIntervalMs?: number;
  /** Delay before the next attempt, given how many there have been (tests pass a fixed one). */
  backoff?: (attempts: number) => number;
  now?: () => Date;
}

export interface DeliveryDependencies {
  db: Database;
  onError: (error: unknown) => void;
  /** Each round's committed events, so this process's bus can deliver them without waiting for the notification. */
  onCommitted?: (events: RelayEvent[]) => void;
  /**
   * Runs before each claim: the runtime writes this process's pending `message.accepted` events, so a message's
   * delivery events never come before its acceptance when one process does both.
   */
  beforeClaim?: () => Promise<void>;
}

export const DEFAULT_MAX_AGE_MS = 24 * 60 * 60_000;
export const DEFAULT_LEASE_MS = 5 * 60_000;

function eventOf({ message, fate, reply }: AttemptRecord): NewEvent {
  const envelope = {
    organizationId: message.organizationId,
    credentialId: message.credentialId,
    username: message.username,
    remoteAddress: message.remoteAddress,
  };
  const base = { messageId: message.id, attempts: message.attempts, reply };
  if (fate.status === "relayed") {
    const accepted = fate.recipients.filter((r) => r.state === "relayed").length;
    const refused = fate.recipients.length - accepted;
    return { ...envelope, type: "message.relayed", data: { ...base, accepted, refused } };
  }
  if (fate.status === "deferred") {
    return { ...envelope, type: "message.deferred", data: { ...base, retryAt: fate.retryAt.toISOString() } };
  }
  return { ...envelope, type: "message.failed", data: { ...base, expired: fate.expired } };
}

/**
 * This process's delivery workers: they claim due messages from the outbox (outbox.ts), hand each to the upstream
 * over a pooled connection and write what became of it together with its event. `runOnce` is one round, which
 * tests await; `start` repeats rounds while there is work and otherwise waits for a wake-up (a message queued on
 * any process) or the poll interval.
 */
export function createDeliveryWorker(options: DeliveryOptions, deps: DeliveryDependencies) {
  const maxConnections = options.maxConnections ?? 5;
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const backoff = options.backoff ?? exponentialBackoff();
  const now = options.now ?? (() => new Date());
  const client = createUpstreamClient(options.upstream, { maxConnections });
  // nodemailer's pool queues what its connections cannot take at once; a few per connection keeps them all busy.
  const batch = maxConnections * 4;

  async function attempt(message: ClaimedMessage): Promise<AttemptRecord> {
    const pending = message.recipients.filter((r) => r.state === "pending").map((r) => r.address);
    const answer = await client.send({ mailFrom: message.mailFrom, rcptTo: pending, raw: message.raw });
    const outcome = applyAnswer(message.recipients, answer);
    const at = now();
    const fate = decideFate(outcome.recipients, {
      createdAt: message.createdAt,
      now: at,
      maxAgeMs,
      retryAt: new Date(at.getTime() + backoff(message.attempts)),
    });
    return { message, fate, reply: outcome.reply, at };
  }

  /**
   * Claims what is due (up to one batch), delivers it and writes the outcomes with their events in one transaction;
   * resolves with how many it claimed. Outcomes that cannot be written leave their leases to expire, and the
   * messages are delivered again then.
   */
  async function runOnce(): Promise<number> {
    await deps.beforeClaim?.();
    const claimed = await claimDue(deps.db, { limit: batch, now: now(), leaseMs });
    const records = await Promise.all(claimed.map(attempt));
    const events = await recordOutcomes(deps.db, records, eventOf);
    deps.onCommitted?.(events);
    return claimed.length;
  }

  let running: Promise<void> | undefined;
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  function idle(): Promise<void> {
    if (woken) {
      woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, pollIntervalMs);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        woken = false;
        resolve();
      }
      wakeUp = done;
    });
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let claimed = 0;
      try {
        claimed = await runOnce();
      } catch (error) {
        deps.onError(error);
      }
      if (claimed < batch && !stopped) await idle();
    }
  }

  return {
    runOnce,
    /** Rounds until nothing is due (deferred messages wait for their time, so this ends). */
    async drain(): Promise<void> {
      while ((await runOnce()) > 0);
    },
    start(): void {
      running ??= loop();
    },
    /** A message was queued: look now rather than at the next poll. */
    wake(): void {
      woken = true;
      wakeUp?.();
    },
    /** Finishes the round under way (its outcomes are written), then closes the upstream connections. */
    async stop(): Promise<void> {
      stopped = true;
      wakeUp?.();
      await running;
      client.close();
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
