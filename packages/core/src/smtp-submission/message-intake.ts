import { randomUUID } from "node:crypto";
import { type Database, schema } from "@relaypost/db";
import { and, eq, inArray, isNull, lt, notInArray, sql } from "drizzle-orm";
import { decodeHeaderValue, readHeader, readHeaders, withMessageId } from "../relay/message-headers";
import { disallowedHeaderSender, senderAllowed } from "../restrictions/allowed-senders";
import { loginRestriction } from "../restrictions/restrictions";
import { countAgainstLimits, type LimitBreach, readUsage } from "../restrictions/sending-limits";
import { grantHolds, type SmtpGrant } from "../smtp-auth/grant";
import { discardParts, ORPHAN_PART_AGE_MS, pruneOrphanParts, type ReceivedBody, receiveBody } from "./message-body";

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
}

export interface IncomingMessage {
  grant: SmtpGrant;
  mailFrom: string;
  rcptTo: string[];
  /** The message as it arrives; it is stored segment by segment, never held whole. */
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** The largest message taken; the rest of a longer one is drained and the message refused. */
  maxBytes: number;
  remoteAddress: string | null;
}

/** Why a message was not stored: the session's login no longer holds, or a restriction refuses the message. */
export type IntakeRefusal =
  | { kind: "revoked" }
  | { kind: "too_big" }
  | { kind: "header_too_large" }
  | { kind: "sender_not_allowed"; where: "envelope" | "header"; sender: string }
  | ({ kind: "rate_limited" } & LimitBreach);

export type IntakeResult =
  | { accepted: true; messageId: string; status: "queued" | "stored"; size: number }
  | { accepted: false; refusal: IntakeRefusal };

/** The allowed-senders rule applied to the message as it will be stored: its envelope sender and its `From:`. */
export function senderRefusal(allowedSenders: readonly string[], mailFrom: string, raw: Buffer) {
  if (!senderAllowed(allowedSenders, mailFrom)) {
    return { kind: "sender_not_allowed", where: "envelope", sender: mailFrom } as const;
  }
  const sender = disallowedHeaderSender(allowedSenders, readHeaders(raw, "from"));
  return sender === undefined ? undefined : ({ kind: "sender_not_allowed", where: "header", sender } as const);
}

export const DEFAULT_MESSAGE_RETENTION_MS = 30 * 24 * 60 * 60_000;
export const DEFAULT_BODY_RETENTION_MS = 7 * 24 * 60 * 60_000;

/** Mail still waiting for delivery, which neither retention may touch. */
const WAITING = ["queued", "deferred"];

/** Long enough for any subject a person reads in a list. */
const SUBJECT_MAX_LENGTH = 500;

const messages = schema.smtpMessages;
const credentials = schema.smtpCredentials;
const upstreams = schema.organizationUpstreams;

/**
 * Stores messages that authenticated sessions submit. The credential is re-checked inside the storing transaction
 * with its row locked, so a regenerate or deactivate that commits first means the message is refused, and one that
 * comes later waits for the message to be counted: a revoked session never gets a message in. With an upstream,
 * the committed row is also the outbox entry a delivery worker claims, so the `250` that follows is never a promise
 * the database does not hold.
 */
export function createMessageIntake(db: Database, options: MessageIntakeOptions = {}) {
  const retentionMs = options.retentionMs ?? DEFAULT_MESSAGE_RETENTION_MS;
  const bodyRetentionMs = Math.min(options.bodyRetentionMs ?? DEFAULT_BODY_RETENTION_MS, retentionMs);
  const pruneBatch = options.pruneBatch ?? 1_000;
  const now = options.now ?? (() => new Date());
  const relaying = options.relaying ?? false;
  const segmentBytes = options.segmentBytes;

  /** The received message's row, written with the credential re-checked under its lock (see above). */
  function store(id: string, message: IncomingMessage, body: Extract<ReceivedBody, { kind: "received" }>) {
    return db.transaction(async (tx): Promise<IntakeResult> => {
      const [row] = await tx
        .select({
          id: credentials.id,
          passwordHash: credentials.passwordHash,
          active: credentials.active,
          previousPasswordHash: credentials.previousPasswordHash,
          previousPasswordExpiresAt: credentials.previousPasswordExpiresAt,
          allowedSenders: credentials.allowedSenders,
          allowedIps: credentials.allowedIps,
          expiresAt: credentials.expiresAt,
          limitPerMinute: credentials.limitPerMinute,
          limitPerHour: credentials.limitPerHour,
          limitPerDay: credentials.limitPerDay,
          limitRecipientsPerMessage: credentials.limitRecipientsPerMessage,
          ownUpstream: sql<boolean>`exists (select 1 from ${upstreams} u where u.organization_id = ${message.grant.organizationId})`,
        })
        .from(credentials)
        .where(eq(credentials.id, message.grant.credentialId))
        .for("update");
      if (
        !row ||
        !grantHolds(message.grant, row, now().getTime()) ||
        loginRestriction(row, message.remoteAddress, now().getTime())
      ) {
        return { accepted: false, refusal: { kind: "revoked" } };
      }
      const refusal = senderRefusal(row.allowedSenders, message.mailFrom, body.head);
      if (refusal) return { accepted: false, refusal };
      const at = now();
      const breach = await countAgainstLimits(tx, row.id, row, message.rcptTo.length, at);
      if (breach) return { accepted: false, refusal: { kind: "rate_limited", ...breach } };
      const status = relaying || row.ownUpstream ? "queued" : "stored";
      const { raw, messageId } = withMessageId(body.head, message.mailFrom);
      const size = body.size + raw.length - body.head.length;
      const subject = readHeader(raw, "subject");
      const [stored] = await tx
        .insert(messages)
        .values({
          id,
          organizationId: message.grant.organizationId,
          credentialId: message.grant.credentialId,
          mailFrom: message.mailFrom,
          rcptTo: message.rcptTo,
          size,
          raw,
          parts: body.parts,
          remoteAddress: message.remoteAddress,
          createdAt: at,
          messageIdHeader: messageId,
          subject: subject === undefined ? null : decodeHeaderValue(subject).slice(0, SUBJECT_MAX_LENGTH),
          status,
          nextAttemptAt: status === "queued" ? at : null,
          recipients: message.rcptTo.map((address) => ({ address, state: "pending" as const, reply: null })),
        })
        .returning({ id: messages.id });
      if (!stored) throw new Error("insert returned no row");
      // Raw SQL: drizzle's update would also bump updated_at, which records edits of the credential, not use.
      await tx.execute(
        sql`update ${credentials} set messages_accepted = messages_accepted + 1 where ${credentials.id} = ${message.grant.credentialId}`,
      );
      return { accepted: true, messageId: stored.id, status, size };
    });
  }

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
      const result = await store(id, message, body);
      if (!result.accepted) await discardParts(db, [id]);
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
