import type { EventType } from "@relaypost/contract";
import { type Database, type Executor, queryRows, schema } from "@relaypost/db";
import { and, asc, desc, eq, gt, inArray, lte, type SQL, sql } from "drizzle-orm";
import { encodeRecords, MAX_PAYLOAD_BYTES } from "./notification";
import { type NewEvent, type RelayEvent, storedPayload } from "./types";

export const EVENTS_CHANNEL = "relaypost_events";

/**
 * Serializes event-writing transactions so that event ids commit in increasing order: a reader that has seen id N
 * can never later find a committed id below N, which is what makes "resume after id N" lose nothing, and what lets
 * a listener hand over a batch that starts right after the last id it delivered without reading the table.
 */
const EVENT_ORDER_LOCK = 0x7270_6576;

/**
 * Appends events and notifies listeners in one statement: inside a caller's transaction, or as a transaction of its
 * own. PostgreSQL delivers the notification only if that transaction commits, so an event is never published for a
 * change that rolled back, nor lost for one that did not. Every inserted row joins the lock's row, so the lock is
 * held before the first id is drawn. The notification carries the ids and the records exactly as they were written
 * when that fits in MAX_PAYLOAD_BYTES, else only the last id (see `readNotification`). Only the ids come back: the
 * rest is known here.
 */
export async function appendEvents(executor: Executor, batch: NewEvent[]): Promise<RelayEvent[]> {
  if (batch.length === 0) return [];
  const stamped = batch.map((e) => ({ ...e, createdAt: e.createdAt ?? new Date() }));
  const records = encodeRecords(stamped);
  // One statement text for every batch size, so each connection plans it once rather than once per size.
  const [row] = await queryRows<{ ids: string }>(
    executor,
    sql`with ordered as materialized (select pg_advisory_xact_lock(${EVENT_ORDER_LOCK})),
      input as (select ${records}::text as records),
      inserted as (
        insert into events (organization_id, type, credential_id, username, remote_address, data, created_at)
        select (r->>0)::uuid, r->>1, (r->>2)::uuid, r->>3, r->>4, r->5, timestamptz 'epoch' + (r->>6)::bigint * interval '1 millisecond'
        from ordered, input, jsonb_array_elements(input.records::jsonb) with ordinality as e(r, n)
        order by e.n
        returning id
      ),
      batch as (select string_agg(id::text, ',' order by id) as ids, max(id) as last_id from inserted)
      select batch.ids, pg_notify(${EVENTS_CHANNEL},
        case when octet_length(input.records) + octet_length(batch.ids) < ${MAX_PAYLOAD_BYTES}
          then batch.ids || ' ' || input.records else batch.last_id::text end)
      from batch, input`,
  );
  const ids = (row?.ids ?? "").split(",").map(Number);
  return stamped.map((e, i) => ({ ...e, id: ids[i] ?? 0 }));
}

export interface EventQuery {
  afterId: number;
  organizationId?: string;
  credentialId?: string;
  types?: readonly EventType[];
  limit: number;
}

export async function readEvents(db: Executor, query: EventQuery): Promise<RelayEvent[]> {
  const t = schema.events;
  const filters: (SQL | undefined)[] = [
    gt(t.id, query.afterId),
    query.organizationId ? eq(t.organizationId, query.organizationId) : undefined,
    query.credentialId ? eq(t.credentialId, query.credentialId) : undefined,
    query.types?.length ? inArray(t.type, [...query.types]) : undefined,
  ];
  const rows = await db
    .select()
    .from(t)
    .where(and(...filters))
    .orderBy(asc(t.id))
    .limit(query.limit);
  return rows.map(toRelayEvent);
}

/**
 * An organization's newest events (oldest first) and the id to resume a subscription from, so a screen can show
 * recent history and then continue live without a gap: `resumeFrom` covers every type, not just those asked for.
 */
export async function recentEvents(
  db: Database,
  query: { organizationId: string; credentialId?: string | undefined; types?: readonly EventType[]; limit: number },
): Promise<{ events: RelayEvent[]; resumeFrom: number }> {
  const t = schema.events;
  const [latest] = await db
    .select({ id: t.id })
    .from(t)
    .where(eq(t.organizationId, query.organizationId))
    .orderBy(desc(t.id))
    .limit(1);
  const rows = await db
    .select()
    .from(t)
    .where(
      and(
        eq(t.organizationId, query.organizationId),
        query.credentialId ? eq(t.credentialId, query.credentialId) : undefined,
        query.types?.length ? inArray(t.type, [...query.types]) : undefined,
        latest ? lte(t.id, latest.id) : undefined,
      ),
    )
    .orderBy(desc(t.id))
    .limit(query.limit);
  return { events: rows.reverse().map(toRelayEvent), resumeFrom: latest?.id ?? 0 };
}

export async function latestEventId(db: Executor): Promise<number> {
  const [row] = await queryRows<{ id: string | number | null }>(db, sql`select max(id) as id from events`);
  return Number(row?.id ?? 0);
}

function toRelayEvent(row: typeof schema.events.$inferSelect): RelayEvent {
  return {
    id: row.id,
    organizationId: row.organizationId,
    ...storedPayload(row.type, row.data),
    credentialId: row.credentialId,
    username: row.username,
    remoteAddress: row.remoteAddress,
    createdAt: row.createdAt,
  };
}
