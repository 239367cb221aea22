import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { bytea, createdAt, id } from "./columns";
import { organizations } from "./organizations";
import { smtpCredentials } from "./smtp-credentials";

/** Where one recipient stands: waiting for (another) attempt, taken by the upstream, or refused for good. */
export interface RecipientResult {
  address: string;
  state: "pending" | "relayed" | "failed";
  /** The upstream's last reply about this recipient, when it gave one. */
  reply: string | null;
}

/**
 * Messages accepted over SMTP, kept for a bounded time; also the outbox that delivery workers claim from. A row is
 * due when its status is queued or deferred, `next_attempt_at` has come and no unexpired lease holds it.
 */
export const smtpMessages = pgTable(
  "smtp_messages",
  {
    id: id(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    credentialId: uuid().references(() => smtpCredentials.id, { onDelete: "set null" }),
    mailFrom: text().notNull(),
    rcptTo: jsonb().$type<string[]>().notNull(),
    size: integer().notNull(),
    /** The message's first segment, headers included; the rest, if any, is in `smtp_message_parts`. */
    raw: bytea().notNull(),
    /** How many further segments the body has in `smtp_message_parts` (0: `raw` is the whole message). */
    parts: integer().notNull().default(0),
    remoteAddress: text(),
    createdAt: createdAt(),
    /** The Message-ID header every attempt carries (added at intake when the message had none). */
    messageIdHeader: text(),
    subject: text(),
    /** queued | relayed | deferred | failed | stored (MESSAGE_STATUSES in @relaypost/contract). */
    status: text().notNull().default("stored"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }),
    /** The claim that holds the row while a worker delivers it; once `lease_expires_at` passes, anyone may. */
    leaseOwner: text(),
    leaseExpiresAt: timestamp({ withTimezone: true }),
    lastReply: text(),
    recipients: jsonb().$type<RecipientResult[]>(),
    relayedAt: timestamp({ withTimezone: true }),
    /** When the raw bytes were dropped (body retention); the metadata stays until the row's own retention. */
    bodyPrunedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index().on(t.organizationId, t.createdAt),
    index().on(t.createdAt),
    index().on(t.credentialId, t.createdAt),
    index("smtp_messages_body_kept_idx").on(t.createdAt).where(sql`${t.bodyPrunedAt} is null`),
    index("smtp_messages_due_idx").on(t.nextAttemptAt).where(sql`${t.status} in ('queued', 'deferred')`),
  ],
);

/**
 * The segments of a message body after its first, numbered from 1. They are written while the message is received,
 * before its row exists, so a large message is never held whole in memory; hence no foreign key. Parts whose message
 * never committed (refused, or the process died mid-DATA) are pruned once they are old enough.
 */
export const smtpMessageParts = pgTable(
  "smtp_message_parts",
  {
    messageId: uuid().notNull(),
    seq: integer().notNull(),
    data: bytea().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.seq] }), index().on(t.createdAt)],
);
