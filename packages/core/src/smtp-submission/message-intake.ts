import { type Database, schema } from "@relaypost/db";
import { and, eq, inArray, isNull, lt, notInArray, sql } from "drizzle-orm";
import { decodeHeaderValue, readHeader, withMessageId } from "../relay/message-headers";
import { grantHolds, type SmtpGrant } from "../smtp-auth/grant";

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
}

export interface IncomingMessage {
  grant: SmtpGrant;
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  remoteAddress: string | null;
}

export type IntakeResult =
  | { accepted: true; messageId: string; status: "queued" | "stored"; size: number }
  | { accepted: false };

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

  return {
    accept(message: IncomingMessage): Promise<IntakeResult> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .select({
            passwordHash: credentials.passwordHash,
            active: credentials.active,
            ownUpstream: sql<boolean>`exists (select 1 from ${upstreams} u where u.organization_id = ${message.grant.organizationId})`,
          })
          .from(credentials)
          .where(eq(credentials.id, message.grant.credentialId))
          .for("update");
        if (!grantHolds(message.grant, row)) return { accepted: false };
        const status = relaying || row?.ownUpstream ? "queued" : "stored";
        const { raw, messageId } = withMessageId(message.raw, message.mailFrom);
        const subject = readHeader(raw, "subject");
        const at = now();
        const [stored] = await tx
          .insert(messages)
          .values({
            organizationId: message.grant.organizationId,
            credentialId: message.grant.credentialId,
            mailFrom: message.mailFrom,
            rcptTo: message.rcptTo,
            size: raw.length,
            raw,
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
        return { accepted: true, messageId: stored.id, status, size: raw.length };
      });
    },

    /**
     * Drops the raw bytes of messages past the body retention, then deletes messages past the metadata retention, in
     * batches so pruning never holds long locks; returns how many of each went. Messages still waiting for delivery
     * (queued, deferred) are kept whole whatever their age: pruning must never be how accepted mail disappears.
     */
    async prune(): Promise<{ bodiesDropped: number; deleted: number }> {
      const at = now();
      const bodyCutoff = new Date(at.getTime() - bodyRetentionMs);
      const cutoff = new Date(at.getTime() - retentionMs);
      let bodiesDropped = 0;
      for (;;) {
        const expired = db
          .select({ id: messages.id })
          .from(messages)
          .where(
            and(
              lt(messages.createdAt, bodyCutoff),
              isNull(messages.bodyPrunedAt),
              notInArray(messages.status, WAITING),
            ),
          )
          .limit(pruneBatch);
        const dropped = await db
          .update(messages)
          .set({ raw: Buffer.alloc(0), bodyPrunedAt: at })
          .where(inArray(messages.id, expired))
          .returning({ id: messages.id });
        bodiesDropped += dropped.length;
        if (dropped.length < pruneBatch) break;
      }
      let deleted = 0;
      for (;;) {
        const expired = db
          .select({ id: messages.id })
          .from(messages)
          .where(and(lt(messages.createdAt, cutoff), notInArray(messages.status, WAITING)))
          .limit(pruneBatch);
        const gone = await db.delete(messages).where(inArray(messages.id, expired)).returning({ id: messages.id });
        deleted += gone.length;
        if (gone.length < pruneBatch) return { bodiesDropped, deleted };
      }
    },

    retentionMs,
  };
}

export type MessageIntake = ReturnType<typeof createMessageIntake>;
