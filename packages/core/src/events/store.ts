import { type Database, type Executor, queryRows, schema } from "@relaypost/db";
import { and, asc, desc, eq, gt, inArray, lte, type SQL, sql } from "drizzle-orm";
import type { EventType, NewEvent, RelayEvent } from "./types";

export const EVENTS_CHANNEL = "relaypost_events";

/**
 * Serializes event-writing transactions so that event ids commit in increasing order: a reader that has seen id N
 * can never later find a committed id below N, which is what makes "resume after id N" lose nothing.
 */
const EVENT_ORDER_LOCK = 0x7270_6576;

/**
 * Appends events inside the caller's transaction and notifies listeners, which PostgreSQL delivers only if that
 * transaction commits: an event is never published for a change that rolled back, nor lost for one that did not.
 */
export async function appendEvents(tx: Executor, batch: NewEvent[]): Promise<RelayEvent[]> {
  if (batch.length === 0) return [];
  await tx.execute(sql`select pg_advisory_xact_lock(${EVENT_ORDER_LOCK})`);
  const rows = await tx
    .insert(schema.events)
    .values(batch.map((e) => ({ ...e, data: e.data ?? {} })))
    .returning();
  const last = rows.at(-1);
  if (last) await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${String(last.id)})`);
  return rows.map(toRelayEvent);
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
