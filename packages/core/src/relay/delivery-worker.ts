import { randomUUID } from "node:crypto";
import type { Database } from "@relaypost/db";
import type { NewEvent, RelayEvent } from "../events/types";
import { openBody } from "../smtp-submission/message-body";
import { createWorkLoop } from "../work-loop";
import { applyAnswer, decideFate, exponentialBackoff } from "./attempt-outcome";
import { type AttemptRecord, type ClaimedMessage, claimDue, type DeliveryHandoff } from "./outbox";
import { createOutcomeWriter } from "./outcome-writer";
import { UNLIMITED_MESSAGES_PER_CONNECTION, type Upstream } from "./upstream";
import { createUpstreamClients, type UpstreamLoader } from "./upstream-clients";

export interface DeliveryOptions {
  /** The server's default upstream (RELAY_URL), for organizations without one of their own. */
  upstream?: Upstream | undefined;
  /** Connections open to each upstream at once, per process. */
  maxConnections?: number;
  /** Messages sent over one upstream connection before it is replaced (default: no limit). */
  maxMessagesPerConnection?: number;
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
  /** An organization's own upstream as it stands now. */
  loadUpstream: UpstreamLoader;
  onError: (error: unknown) => void;
  /** Each round's committed events, so this process's bus can deliver them without waiting for the notification. */
  onCommitted?: (events: RelayEvent[]) => void;
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
 * This process's delivery workers: they claim due messages from the outbox (outbox.ts), hand each to its
 * organization's upstream, or the server's default, over a pooled connection (upstream-clients.ts) and write what
 * became of it, with its event, as soon as it is known, so one slow message holds up nobody else's outcome. The
 * rounds, wake-ups and polling are the work loop's (work-loop.ts); a message queued on any process wakes it.
 */
export function createDeliveryWorker(options: DeliveryOptions, deps: DeliveryDependencies) {
  const maxConnections = options.maxConnections ?? 5;
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const backoff = options.backoff ?? exponentialBackoff();
  const now = options.now ?? (() => new Date());
  const limits = {
    maxConnections,
    maxMessagesPerConnection: options.maxMessagesPerConnection ?? UNLIMITED_MESSAGES_PER_CONNECTION,
  };
  const clients = createUpstreamClients({ serverDefault: options.upstream, load: deps.loadUpstream, limits });
  // Messages delivered at once: nodemailer's pool queues what its connections cannot take yet, and a few waiting per
  // connection keeps each one busy while outcomes are written.
  const capacity = maxConnections * 4;

  async function attempt(message: ClaimedMessage): Promise<AttemptRecord> {
    const pending = message.recipients.filter((r) => r.state === "pending").map((r) => r.address);
    // A body of many segments is streamed from storage as the upstream takes it, never held whole.
    const raw = message.parts === 0 ? message.head : openBody(deps.db, message);
    const answer = await clients.send(message, { mailFrom: message.mailFrom, rcptTo: pending, raw });
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

  const outcomes = createOutcomeWriter(deps.db, eventOf, (events) => deps.onCommitted?.(events));

  /** The messages being delivered here. */
  const held = new Set<string>();

  /** Delivers one claimed message and writes its outcome with its event, as soon as it is known. */
  async function deliver(message: ClaimedMessage): Promise<void> {
    held.add(message.id);
    try {
      await outcomes.write(await attempt(message));
    } catch (error) {
      // Unwritten, the outcome is lost but the lease stays: the message is delivered again when it expires.
      deps.onError(error);
    } finally {
      held.delete(message.id);
    }
  }

  const loop = createWorkLoop((limit: number) => claimDue(deps.db, { limit, now: now(), leaseMs }), deliver, {
    capacity,
    pollIntervalMs,
    onError: deps.onError,
  });

  const handoff: DeliveryHandoff = {
    reserve(n) {
      const slots = loop.reserve(n);
      if (slots === 0) return undefined;
      return { token: randomUUID(), expiresAt: new Date(now().getTime() + leaseMs), slots };
    },
    handOver(messages, unused) {
      loop.handOver(messages);
      loop.release(unused);
    },
  };

  return {
    runOnce: loop.runOnce,
    drain: loop.drain,
    start: loop.start,
    wake: loop.wake,
    handoff,
    /** Whether this process is delivering the message now (claimed, or handed over at intake). */
    holds: (messageId: string) => held.has(messageId),
    /** Stops claiming, lets the deliveries under way finish and be written, then closes the upstream connections. */
    async stop(): Promise<void> {
      await loop.stop();
      clients.close();
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;

/**
 * A bus listener that wakes these workers for a message queued on another process. One queued here was handed to
 * them at intake, or woke them then: its event must not cost a claim that finds nothing.
 */
export function wakeForQueuedElsewhere(workers: Pick<DeliveryWorker, "holds" | "wake">) {
  return (event: RelayEvent): void => {
    if (event.type !== "message.accepted" || event.data.status !== "queued") return;
    if (!workers.holds(event.data.messageId)) workers.wake();
  };
}
