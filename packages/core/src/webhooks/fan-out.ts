import { type Database, type Executor, schema } from "@relaypost/db";
import { and, eq, inArray, min, sql } from "drizzle-orm";
import { readEvents } from "../events/store";
import type { RelayEvent } from "../events/types";

const FAN_OUT_ROW = 1;
/** Events read per round; a round that read this many leaves more to read. */
export const FAN_OUT_BATCH = 500;

/**
 * The body every endpoint receives for an event, per the Standard Webhooks payload shape: `type`, `timestamp` and
 * `data`, where `data` is the event exactly as the REST API's event list shows it.
 */
export const payloadOf = (event: RelayEvent) =>
  JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event });

const w = schema.webhookEndpoints;
const position = schema.webhookFanOut;

/** Creates the read position once: where the oldest endpoint started, or at the newest event when there is none. */
const ensurePosition = (tx: Executor) =>
  tx.execute(sql`insert into ${position} (id, last_event_id)
    select ${FAN_OUT_ROW}, coalesce((select min(from_event_id) from ${w}), (select coalesce(max(id), 0) from events))
    on conflict do nothing`);

/**
 * Holds the read position against a fan-out round while an endpoint is added, so the round either sees the new
 * endpoint or finished before the endpoint read the newest event id it starts after: no event falls between.
 */
export async function holdFanOut(tx: Executor): Promise<void> {
  await ensurePosition(tx);
  await tx.select().from(position).where(eq(position.id, FAN_OUT_ROW)).for("share");
}

/**
 * Turns committed events into deliveries, a batch per call, and returns how many events it read. The read position
 * is one row, locked for the round and moved in the same transaction as the deliveries it wrote, so every event is
 * fanned out exactly once however many processes run this; a process finding the row locked skips its round. Event
 * ids commit in increasing order (events/store.ts), so nothing committed later can appear below the position.
 */
export async function fanOutEvents(db: Database): Promise<number> {
  return db.transaction(async (tx) => {
    await ensurePosition(tx);
    const [current] = await tx
      .select()
      .from(position)
      .where(eq(position.id, FAN_OUT_ROW))
      .for("update", { skipLocked: true });
    if (!current) return 0;
    // No enabled endpoint wants an event at or below the oldest enabled one's start: those need not be read.
    const [oldest] = await tx
      .select({ from: min(w.fromEventId) })
      .from(w)
      .where(eq(w.enabled, true));
    const afterId = Math.max(current.lastEventId, oldest?.from ?? current.lastEventId);
    const events = await readEvents(tx, { afterId, limit: FAN_OUT_BATCH });
    const last = events.at(-1);
    if (!last) return 0;
    const organizations = [...new Set(events.map((e) => e.organizationId))];
    const endpoints = await tx
      .select({ id: w.id, organizationId: w.organizationId, eventTypes: w.eventTypes, fromEventId: w.fromEventId })
      .from(w)
      .where(and(eq(w.enabled, true), inArray(w.organizationId, organizations)));
    const rows = events.flatMap((event) =>
      endpoints
        .filter(
          (endpoint) =>
            endpoint.organizationId === event.organizationId &&
            event.id > endpoint.fromEventId &&
            (endpoint.eventTypes.length === 0 || endpoint.eventTypes.includes(event.type)),
        )
        .map((endpoint) => ({
          endpointId: endpoint.id,
          organizationId: event.organizationId,
          eventId: event.id,
          eventType: event.type,
          payload: payloadOf(event),
        })),
    );
    if (rows.length > 0) await tx.insert(schema.webhookDeliveries).values(rows).onConflictDoNothing();
    await tx.update(position).set({ lastEventId: last.id }).where(eq(position.id, FAN_OUT_ROW));
    return events.length;
  });
}

/** Whether any endpoint is enabled: without one there is nothing to fan out or send, and a round costs one query. */
export async function anyEndpointEnabled(db: Database): Promise<boolean> {
  const [row] = await db.select({ id: w.id }).from(w).where(eq(w.enabled, true)).limit(1);
  return row !== undefined;
}
