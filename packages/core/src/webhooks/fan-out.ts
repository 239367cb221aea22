import { type Database, type Executor, schema } from "@relaypost/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { latestEventId, readEvents } from "../events/store";
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
 * ids commit in increasing order (events/store.ts), so nothing committed later can appear below the position. With
 * no endpoint enabled anywhere, the position moves to the newest event without reading any.
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
    const [anyEnabled] = await tx.select({ id: w.id }).from(w).where(eq(w.enabled, true)).limit(1);
    if (!anyEnabled) {
      await tx
        .update(position)
        .set({ lastEventId: await latestEventId(tx) })
        .where(eq(position.id, FAN_OUT_ROW));
      return 0;
    }
    const events = await readEvents(tx, { afterId: current.lastEventId, limit: FAN_OUT_BATCH });
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
