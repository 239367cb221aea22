import { Readable } from "node:stream";
import { type Database, schema } from "@relaypost/db";
import { and, eq, inArray, lt, notExists, sql } from "drizzle-orm";

/**
 * Bytes per stored segment of a message body. A connection holds about one segment in memory while its message is
 * received and while it is relayed, whatever the message's size (docs/architecture.md, "Message bodies").
 */
export const SEGMENT_BYTES = 256 * 1024;

/** How old parts without a committed message must be before pruning takes them: far longer than any DATA lasts. */
export const ORPHAN_PART_AGE_MS = 24 * 60 * 60_000;

export type ReceivedBody =
  /** `head`: the first segment, which holds the whole header section; `parts`: segments stored after it. */
  | { kind: "received"; head: Buffer; parts: number; size: number }
  | { kind: "too_big" }
  /** The header section does not end within the first segment: `From:` could not be checked, so it is refused. */
  | { kind: "header_too_large" };

const parts = schema.smtpMessageParts;
const messages = schema.smtpMessages;

function endsHeaderSection(head: Buffer): boolean {
  return head.includes("\r\n\r\n") || head.includes("\n\n");
}

/**
 * Reads a message body as it arrives, keeping the first segment in memory and writing each later one to
 * `smtp_message_parts` under `messageId` as soon as it is full. The rest of a body past `maxBytes`, or past a header
 * section too long for the first segment, is only drained; the parts already written are then deleted. A body whose
 * storing fails is drained too before the fault is thrown; its parts are left for the orphan pruning
 * (pruneOrphanParts).
 */
export async function receiveBody(
  db: Database,
  messageId: string,
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  { maxBytes, segmentBytes = SEGMENT_BYTES }: { maxBytes: number; segmentBytes?: number },
): Promise<ReceivedBody> {
  let head: Buffer | undefined;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;
  let stored = 0;
  let refusal: "too_big" | "header_too_large" | undefined;

  /** Stores what is pending; `last`: the body ended, so a first segment may be all headers. */
  async function flush(last: boolean): Promise<void> {
    const data = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    if (head === undefined) {
      head = data;
      if (!last && !endsHeaderSection(head)) refusal = "header_too_large";
      return;
    }
    stored += 1;
    await db.insert(parts).values({ messageId, seq: stored, data });
  }

  // Nothing ends the loop early: the client is still sending, and its reply must wait for the end of its data.
  let failure: { error: unknown } | undefined;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) refusal ??= "too_big";
    if (refusal || failure) continue;
    pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    pendingBytes += chunk.length;
    if (pendingBytes < segmentBytes) continue;
    try {
      await flush(false);
    } catch (error) {
      failure = { error };
    }
  }
  if (failure) throw failure.error;
  if (refusal) {
    await discardParts(db, [messageId]);
    return { kind: refusal };
  }
  if (pendingBytes > 0 || head === undefined) await flush(true);
  return { kind: "received", head: head ?? Buffer.alloc(0), parts: stored, size };
}

/** Deletes the stored segments of these messages. */
export async function discardParts(db: Database, messageIds: readonly string[]): Promise<void> {
  if (messageIds.length === 0) return;
  await db.delete(parts).where(inArray(parts.messageId, [...messageIds]));
}

/** A stored body as a stream: the head, then each part read from the database only when the reader wants it. */
export function openBody(db: Database, message: { id: string; head: Buffer; parts: number }): Readable {
  async function* segments() {
    yield message.head;
    for (let seq = 1; seq <= message.parts; seq++) {
      const [part] = await db
        .select({ data: parts.data })
        .from(parts)
        .where(and(eq(parts.messageId, message.id), eq(parts.seq, seq)));
      if (!part) throw new Error(`message ${message.id} has lost part ${seq} of its body`);
      yield part.data;
    }
  }
  return Readable.from(segments());
}

/** Up to `maxBytes` of a stored body from its start, reading only the parts that takes. */
export async function readBodyPrefix(
  db: Database,
  message: { id: string; head: Buffer; parts: number },
  maxBytes: number,
): Promise<Buffer> {
  const kept: Buffer[] = [];
  let length = 0;
  for await (const segment of openBody(db, message) as AsyncIterable<Buffer>) {
    kept.push(segment);
    length += segment.length;
    if (length >= maxBytes) break;
  }
  return Buffer.concat(kept, length).subarray(0, maxBytes);
}

/**
 * Deletes parts no committed message owns (its DATA was refused or cut off by a crash, or the message was deleted)
 * once they are older than `olderThan`, a batch of messages at a time; returns how many parts went.
 */
export async function pruneOrphanParts(db: Database, olderThan: Date, batch: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const orphans = db
      .selectDistinct({ id: parts.messageId })
      .from(parts)
      .where(
        and(
          lt(parts.createdAt, olderThan),
          notExists(db.select({ one: sql`1` }).from(messages).where(eq(messages.id, parts.messageId))),
        ),
      )
      .limit(batch);
    const gone = await db.delete(parts).where(inArray(parts.messageId, orphans)).returning({ seq: parts.seq });
    deleted += gone.length;
    if (gone.length === 0) return deleted;
  }
}
