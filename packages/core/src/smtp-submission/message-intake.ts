import { type Database, schema } from "@relaypost/db";
import { and, eq, inArray, isNull, lt, notInArray, sql } from "drizzle-orm";
import { decodeHeaderValue, readHeader, readHeaders, withMessageId } from "../relay/message-headers";
import { disallowedHeaderSender, senderAllowed } from "../restrictions/allowed-senders";
import { loginRestriction } from "../restrictions/restrictions";
import { countAgainstLimits, type LimitBreach, readUsage } from "../restrictions/sending-limits";
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

/** Why a message was not stored: the session's login no longer holds, or a restriction refuses the message. */
export type IntakeRefusal =
  | { kind: "revoked" }
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

  return {
    accept(message: IncomingMessage): Promise<IntakeResult> {
      return db.transaction(async (tx) => {
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
        const refusal = senderRefusal(row.allowedSenders, message.mailFrom, message.raw);
        if (refusal) return { accepted: false, refusal };
        const at = now();
        const breach = await countAgainstLimits(tx, row.id, row, message.rcptTo.length, at);
        if (breach) return { accepted: false, refusal: { kind: "rate_limited", ...breach } };
        const status = relaying || row.ownUpstream ? "queued" : "stored";
        const { raw, messageId } = withMessageId(message.raw, message.mailFrom);
        const subject = readHeader(raw, "subject");
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

    /** What the credential has sent in the current windows, for MAIL FROM's early answer when a limit is reached. */
    usage: (credentialId: string) => readUsage(db, credentialId, now()),
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
