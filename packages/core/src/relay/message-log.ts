import type { MessageStatus } from "@relaypost/contract";
import { type Database, queryRows, schema } from "@relaypost/db";
import type { RecipientResult } from "@relaypost/db/schema";
import { and, desc, eq, gte, lt, notInArray, type SQL, sql } from "drizzle-orm";
import { recordAudit } from "../audit/audit-log";
import { notFound } from "../errors";
import { encodeKeysetCursor, type KeysetCursor } from "../keyset-cursor";
import type { Scope } from "../smtp-credentials/lifecycle";
import { discardParts, readBodyPrefix } from "../smtp-submission/message-body";

const m = schema.smtpMessages;

/** A message as the log shows it: envelope, size, subject and delivery state, never the body. */
export interface MessageSummary {
  id: string;
  credentialId: string | null;
  mailFrom: string;
  rcptTo: string[];
  size: number;
  subject: string | null;
  status: MessageStatus;
  attempts: number;
  lastReply: string | null;
  /** Each recipient's state and the upstream's last reply about it. */
  recipients: RecipientResult[];
  createdAt: Date;
  relayedAt: Date | null;
  /** When the body was dropped by its retention; null while it is kept. */
  bodyPrunedAt: Date | null;
}

export interface MessageQuery {
  credentialId?: string | undefined;
  status?: MessageStatus | undefined;
  /** Only messages with this envelope recipient (exact address, ignoring case). */
  recipient?: string | undefined;
  /** Only messages accepted at or after this time. */
  since?: Date | undefined;
  /** Only messages accepted before this time. */
  until?: Date | undefined;
  cursor?: KeysetCursor | undefined;
  limit: number;
}

export interface MessagePage {
  items: MessageSummary[];
  nextCursor: string | null;
}

const summaryColumns = {
  id: m.id,
  credentialId: m.credentialId,
  mailFrom: m.mailFrom,
  rcptTo: m.rcptTo,
  size: m.size,
  subject: m.subject,
  status: m.status,
  attempts: m.attempts,
  lastReply: m.lastReply,
  recipients: m.recipients,
  createdAt: m.createdAt,
  relayedAt: m.relayedAt,
  bodyPrunedAt: m.bodyPrunedAt,
};

function toSummary(
  row: Omit<MessageSummary, "status" | "recipients"> & { status: string; recipients: RecipientResult[] | null },
): MessageSummary {
  return {
    ...row,
    // Written only from MESSAGE_STATUSES (intake and the delivery workers).
    status: row.status as MessageStatus,
    recipients: row.recipients ?? row.rcptTo.map((address) => ({ address, state: "pending", reply: null })),
  };
}

/** An organization's messages, newest first, by keyset pages; the raw body is never read. */
export async function listMessages(db: Database, organizationId: string, query: MessageQuery): Promise<MessagePage> {
  const filters: (SQL | undefined)[] = [
    eq(m.organizationId, organizationId),
    query.credentialId ? eq(m.credentialId, query.credentialId) : undefined,
    query.status ? eq(m.status, query.status) : undefined,
    query.recipient
      ? sql`exists (select 1 from jsonb_array_elements_text(${m.rcptTo}) r where lower(r) = ${query.recipient.toLowerCase()})`
      : undefined,
    query.since ? gte(m.createdAt, query.since) : undefined,
    query.until ? lt(m.createdAt, query.until) : undefined,
  ];
  if (query.cursor) {
    const { createdAt, id } = query.cursor;
    filters.push(sql`(${m.createdAt}, ${m.id}) < (${createdAt.toISOString()}::timestamptz, ${id}::uuid)`);
  }
  const rows = await db
    .select(summaryColumns)
    .from(m)
    .where(and(...filters))
    .orderBy(desc(m.createdAt), desc(m.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map(toSummary);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeKeysetCursor(last) : null };
}

export interface CredentialMessageCounts {
  credentialId: string;
  last24h: number;
  last7d: number;
}

/**
 * How many messages each of the organization's credentials had accepted in the last 24 hours and 7 days, one
 * grouped read of the (organization, created_at) index. Credentials with none are left out. Counts reach back no
 * further than message metadata is kept (RuntimeConfig.messageRetentionMs, 30 days by default).
 */
export async function countMessagesByCredential(
  db: Database,
  organizationId: string,
  now = new Date(),
): Promise<CredentialMessageCounts[]> {
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60_000).toISOString();
  const weekAgo = new Date(now.getTime() - 7 * 24 * 60 * 60_000).toISOString();
  const rows = await queryRows<{ credential_id: string; last_24h: string | number; last_7d: string | number }>(
    db,
    sql`select credential_id,
          count(*) filter (where created_at >= ${dayAgo}::timestamptz) as last_24h,
          count(*) as last_7d
        from ${m}
        where organization_id = ${organizationId} and created_at >= ${weekAgo}::timestamptz
          and credential_id is not null
        group by credential_id`,
  );
  return rows.map((row) => ({
    credentialId: row.credential_id,
    last24h: Number(row.last_24h),
    last7d: Number(row.last_7d),
  }));
}

/**
 * Deletes the organization's messages, metadata and bodies, except those still waiting for delivery (queued,
 * deferred): purging the log must not silently drop mail an application was told is queued. Audited with the count.
 */
export function purgeMessages(db: Database, scope: Scope): Promise<{ deleted: number }> {
  return db.transaction(async (tx) => {
    const gone = await tx
      .delete(m)
      .where(and(eq(m.organizationId, scope.organizationId), notInArray(m.status, ["queued", "deferred"])))
      .returning({ id: m.id });
    await discardParts(
      tx,
      gone.map((row) => row.id),
    );
    await recordAudit(tx, {
      organizationId: scope.organizationId,
      actor: scope.actor,
      action: "messages.purged",
      targetType: "organization",
      targetId: scope.organizationId,
      metadata: { deleted: gone.length },
    });
    return { deleted: gone.length };
  });
}

/** The most of a message's source one call returns; the rest is cut and flagged. */
export const MESSAGE_SOURCE_MAX_BYTES = 1024 * 1024;

/**
 * One message with its source (raw MIME as text, at most MESSAGE_SOURCE_MAX_BYTES), as a local mail catcher shows it;
 * `source` is null once the body retention dropped it. A foreign or unknown id is NOT_FOUND alike.
 */
export async function getMessageSource(
  db: Database,
  organizationId: string,
  id: string,
): Promise<{ message: MessageSummary; source: string | null; truncated: boolean }> {
  const [row] = await db
    .select({
      ...summaryColumns,
      head: sql<Buffer | Uint8Array>`substring(${m.raw} from 1 for ${MESSAGE_SOURCE_MAX_BYTES})`,
      parts: m.parts,
    })
    .from(m)
    .where(and(eq(m.id, id), eq(m.organizationId, organizationId)));
  if (!row) throw notFound("Message");
  const { head, parts, ...summary } = row;
  const kept = summary.bodyPrunedAt === null;
  const source = kept
    ? await readBodyPrefix(db, { id, head: Buffer.from(head), parts }, MESSAGE_SOURCE_MAX_BYTES)
    : null;
  return {
    message: toSummary(summary),
    source: source === null ? null : source.toString("utf8"),
    truncated: kept && summary.size > MESSAGE_SOURCE_MAX_BYTES,
  };
}
