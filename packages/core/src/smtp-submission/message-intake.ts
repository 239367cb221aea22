import { randomUUID } from "node:crypto";
import { type Database, schema } from "@relaypost/db";
import { and, inArray, isNull, lt, notInArray } from "drizzle-orm";
import type { RelayEvent } from "../events/types";
import { createGroupCommit } from "../group-commit";
import type { DeliveryHandoff } from "../relay/outbox";
import { readUsage } from "../restrictions/sending-limits";
import { discardParts, ORPHAN_PART_AGE_MS, pruneOrphanParts, receiveBody } from "./message-body";
import {
  type IncomingMessage,
  type IntakeResult,
  type ReceivedMessage,
  type StoredBatch,
  storeMessages,
} from "./store-messages";

export type { IncomingMessage, IntakeRefusal, IntakeResult } from "./store-messages";

export interface MessageIntakeOptions {
  /** How long a message's metadata (envelope, subject, status, replies) is kept. */
  retentionMs?: number;
  /** How long its raw bytes are kept; at most `retentionMs`. */
  bodyRetentionMs?: number;
  /** Rows deleted per statement while pruning, so pruning never holds long locks. */
  pruneBatch?: number;
  now?: () => Date;
  /**
   * Whether the server has a default upstream: messages are then queued for it. Without one, only the messages of
   * organizations with their own upstream are queued; the others are stored.
   */
  relaying?: boolean;
  /** Bytes per stored segment of a body (message-body.ts); tests make it small to cover many parts. */
  segmentBytes?: number;
  /**
   * Runs before each store: the runtime writes this process's pending events (a session's login, a refusal at MAIL
   * FROM), so those of a message never come before what its session did first.
   */
  beforeStore?: () => Promise<unknown>;
  /** This process's delivery workers: queued messages are stored claimed by them while they have free slots. */
  handoff?: DeliveryHandoff | undefined;
  /** Told once a batch committed queued messages that no worker here took: the workers should look for them. */
  onQueued?: () => void;
  /** Each batch's `message.accepted` events once committed, so this process's bus can deliver them at once. */
  onCommitted?: (events: RelayEvent[]) => void;
  /** A fault of `onCommitted`: reported, never taken for a failed store (the messages are committed). */
  onError?: (error: unknown) => void;
}

export const DEFAULT_MESSAGE_RETENTION_MS = 30 * 24 * 60 * 60_000;
export const DEFAULT_BODY_RETENTION_MS = 7 * 24 * 60 * 60_000;

/** Mail still waiting for delivery, which neither retention may touch. */
const WAITING = ["queued", "deferred"];

const messages = schema.smtpMessages;

/**
 * Stores messages that authenticated sessions submit: the body segment by segment as it arrives (message-body.ts),
 * then the message's row, group-committed with the rows of messages that finish meanwhile (store-messages.ts says
 * how each is judged under its credential's lock). With an upstream, the committed row is also the outbox entry a
 * delivery worker claims, so the `250` that follows is never a promise the database does not hold.
 */
export function createMessageIntake(db: Database, options: MessageIntakeOptions = {}) {
  const retentionMs = options.retentionMs ?? DEFAULT_MESSAGE_RETENTION_MS;
  const bodyRetentionMs = Math.min(options.bodyRetentionMs ?? DEFAULT_BODY_RETENTION_MS, retentionMs);
  const pruneBatch = options.pruneBatch ?? 1_000;
  const now = options.now ?? (() => new Date());
  const relaying = options.relaying ?? false;
  const segmentBytes = options.segmentBytes;

  /** Stores a batch, handing what it queued to this process's workers (or waking them for what they did not take). */
  async function storeBatch(items: ReceivedMessage[]) {
    const { handoff } = options;
    const lease = handoff?.reserve(items.length);
    let batch: StoredBatch;
    try {
      batch = await storeMessages(db, items, { now, relaying, lease });
    } catch (error) {
      handoff?.handOver([], lease?.slots ?? 0);
      throw error;
    }
    handoff?.handOver(batch.handedOff, (lease?.slots ?? 0) - batch.handedOff.length);
    const queued = batch.results.filter((result) => result.accepted && result.status === "queued").length;
    if (queued > batch.handedOff.length) options.onQueued?.();
    return batch;
  }

  const group = createGroupCommit(async (items: ReceivedMessage[]) => {
    await options.beforeStore?.();
    const { results, events } = await storeBatch(items);
    try {
      options.onCommitted?.(events);
    } catch (error) {
      options.onError?.(error);
    }
    return results;
  });

  async function dropBodies(cutoff: Date, at: Date): Promise<number> {
    let dropped = 0;
    for (;;) {
      const expired = db
        .select({ id: messages.id })
        .from(messages)
        .where(and(lt(messages.createdAt, cutoff), isNull(messages.bodyPrunedAt), notInArray(messages.status, WAITING)))
        .limit(pruneBatch);
      const rows = await db
        .update(messages)
        .set({ raw: Buffer.alloc(0), parts: 0, bodyPrunedAt: at })
        .where(inArray(messages.id, expired))
        .returning({ id: messages.id });
      await discardParts(
        db,
        rows.map((row) => row.id),
      );
      dropped += rows.length;
      if (rows.length < pruneBatch) return dropped;
    }
  }

  async function deleteExpired(cutoff: Date): Promise<number> {
    let deleted = 0;
    for (;;) {
      const expired = db
        .select({ id: messages.id })
        .from(messages)
        .where(and(lt(messages.createdAt, cutoff), notInArray(messages.status, WAITING)))
        .limit(pruneBatch);
      const gone = await db.delete(messages).where(inArray(messages.id, expired)).returning({ id: messages.id });
      deleted += gone.length;
      if (gone.length < pruneBatch) return deleted;
    }
  }

  return {
    /**
     * Receives the message's body into storage, then commits its row. Parts of a message that is refused are
     * deleted; those of one whose commit failed are left to the orphan pruning, since the commit may have happened.
     */
    async accept(message: IncomingMessage): Promise<IntakeResult> {
      const id = randomUUID();
      const body = await receiveBody(db, id, message.body, { maxBytes: message.maxBytes, segmentBytes });
      if (body.kind !== "received") return { accepted: false, refusal: { kind: body.kind } };
      const result = await group.write({ id, message, body });
      if (!result.accepted && body.parts > 0) await discardParts(db, [id]);
      return result;
    },

    /** What the credential has sent in the current windows, for MAIL FROM's early answer when a limit is reached. */
    usage: (credentialId: string) => readUsage(db, credentialId, now()),
    /**
     * Drops the bodies of messages past the body retention, then deletes messages past the metadata retention, then
     * parts no committed message owns, in batches so pruning never holds long locks; returns how many of each went.
     * Messages still waiting for delivery (queued, deferred) are kept whole whatever their age: pruning must never be
     * how accepted mail disappears.
     */
    async prune(): Promise<{ bodiesDropped: number; deleted: number; orphanParts: number }> {
      const at = now();
      const bodiesDropped = await dropBodies(new Date(at.getTime() - bodyRetentionMs), at);
      const deleted = await deleteExpired(new Date(at.getTime() - retentionMs));
      const orphanParts = await pruneOrphanParts(db, new Date(at.getTime() - ORPHAN_PART_AGE_MS), pruneBatch);
      return { bodiesDropped, deleted, orphanParts };
    },

    retentionMs,
  };
}

export type MessageIntake = ReturnType<typeof createMessageIntake>;
