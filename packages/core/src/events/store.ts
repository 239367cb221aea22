import { type Database, type Executor, queryRows, schema } from "@relaypost/db";
import { and, asc, desc, eq, gt, inArray, lte, type SQL, sql } from "drizzle-orm";
import { MAX_PAYLOAD_BYTES } from "./notification";
import type { EventType, NewEvent, RelayEvent } from "./types";

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
 * held before the first id is drawn. A batch travels inside its notification when it fits in MAX_PAYLOAD_BYTES, in
 * the compact form `decodeNotification` reads; a larger one sends its last id and listeners read the table.
 */
export async function appendEvents(executor: Executor, batch: NewEvent[]): Promise<RelayEvent[]> {
  if (batch.length === 0) return [];
  const records = JSON.stringify(
    batch.map((e) => ({
      organization_id: e.organizationId,
      type: e.type,
      credential_id: e.credentialId,
      username: e.username,
      remote_address: e.remoteAddress,
      data: e.data ?? {},
    })),
  );
  // One statement text for every batch size, so each connection plans it once rather than once per size.
  const rows = await queryRows<InsertedRow>(
    executor,
    sql`with ordered as materialized (select pg_advisory_xact_lock(${EVENT_ORDER_LOCK})),
      inserted as (
        insert into events (organization_id, type, credential_id, username, remote_address, data)
        select e.organization_id, e.type, e.credential_id, e.username, e.remote_address, e.data
        from ordered, rows from (jsonb_to_recordset(${records}::jsonb)
          as (organization_id uuid, type text, credential_id uuid, username text, remote_address text, data jsonb))
          with ordinality as e(organization_id, type, credential_id, username, remote_address, data, n)
        order by e.n
        returning id, organization_id, type, credential_id, username, remote_address, data, created_at
      ),
      notified as (
        select pg_notify(${EVENTS_CHANNEL},
          case when octet_length(payload) <= ${MAX_PAYLOAD_BYTES} then payload else last_id::text end)
        from (
          select max(id) as last_id, json_agg(json_build_array(id, organization_id, type, credential_id, username,
            remote_address, data, floor(extract(epoch from created_at) * 1000)::bigint) order by id)::text as payload
          from inserted
        ) batch
      )
      select inserted.* from inserted, notified order by inserted.id`,
  );
  return rows.map(fromInsertedRow);
}

interface InsertedRow extends Record<string, unknown> {
  id: string | number;
  organization_id: string;
  type: string;
  credential_id: string | null;
  username: string | null;
  remote_address: string | null;
  data: Record<string, unknown> | string;
  created_at: Date | string;
}

/** Raw rows differ by driver: postgres.js answers bigint as a string, and either may hand jsonb over unparsed. */
function fromInsertedRow(row: InsertedRow): RelayEvent {
  return {
    id: Number(row.id),
    organizationId: row.organization_id,
    type: row.type as EventType,
    credentialId: row.credential_id,
    username: row.username,
    remoteAddress: row.remote_address,
    data: typeof row.data === "string" ? (JSON.parse(row.data) as Record<string, unknown>) : row.data,
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
  };
}

export interface EventQuery {
  afterId: number;
  organizationId?: string;
  credentialId?: string;
  types?: readonly EventType[];
  limit: number;
}

export async function readEvents(db: Database, query: EventQuery): Promise<RelayEvent[]> {
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

export async function latestEventId(db: Database): Promise<number> {
  const [row] = await queryRows<{ id: string | number | null }>(db, sql`select max(id) as id from events`);
  return Number(row?.id ?? 0);
}

function toRelayEvent(row: typeof schema.events.$inferSelect): RelayEvent {
  return {
    id: row.id,
    organizationId: row.organizationId,
    type: row.type as EventType,
    credentialId: row.credentialId,
    username: row.username,
    remoteAddress: row.remoteAddress,
    data: row.data,
    createdAt: row.createdAt,
  };
}
