import type { EventType } from "@relaypost/contract";
import { type Database, schema } from "@relaypost/db";
import { and, desc, eq, inArray, lt, type SQL, sql } from "drizzle-orm";
import { encodeKeysetCursor, type KeysetCursor } from "../keyset-cursor";

const d = schema.webhookDeliveries;

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One event's delivery to one endpoint, as the delivery log shows it (the payload is the event itself). */
export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: number;
  eventType: EventType;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** The endpoint's HTTP status on the last attempt; null when it could not be reached or none was made yet. */
  lastStatus: number | null;
  /** The start of its answer, or why it could not be reached. */
  lastResponse: string | null;
  lastAttemptAt: Date | null;
  /** When the next attempt is due, while pending. */
  nextAttemptAt: Date | null;
  createdAt: Date;
}

export interface WebhookDeliveryQuery {
  endpointId: string;
  status?: WebhookDeliveryStatus | undefined;
  cursor?: KeysetCursor | undefined;
  limit: number;
}

export interface WebhookDeliveryPage {
  items: WebhookDelivery[];
  nextCursor: string | null;
}

/** An endpoint's deliveries, newest first, a page at a time; another organization's endpoint shows none. */
export async function listWebhookDeliveries(
  db: Database,
  organizationId: string,
  query: WebhookDeliveryQuery,
): Promise<WebhookDeliveryPage> {
  const filters: (SQL | undefined)[] = [
    eq(d.organizationId, organizationId),
    eq(d.endpointId, query.endpointId),
    query.status ? eq(d.status, query.status) : undefined,
    query.cursor
      ? sql`(${d.createdAt}, ${d.id}) < (${query.cursor.createdAt.toISOString()}::timestamptz, ${query.cursor.id}::uuid)`
      : undefined,
  ];
  const rows = await db
    .select()
    .from(d)
    .where(and(...filters))
    .orderBy(desc(d.createdAt), desc(d.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map(
    (row): WebhookDelivery => ({
      id: row.id,
      endpointId: row.endpointId,
      eventId: row.eventId,
      eventType: row.eventType as EventType,
      status: row.status as WebhookDeliveryStatus,
      attempts: row.attempts,
      lastStatus: row.lastStatus,
      lastResponse: row.lastResponse,
      lastAttemptAt: row.lastAttemptAt,
      nextAttemptAt: row.status === "pending" ? row.nextAttemptAt : null,
      createdAt: row.createdAt,
    }),
  );
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeKeysetCursor(last) : null };
}

/** How long the delivery log keeps a delivery once it is delivered or given up. */
export const WEBHOOK_DELIVERY_RETENTION_MS = 30 * 24 * 3_600_000;

/** Deletes finished deliveries past the retention; a pending one stays until it is sent or given up. */
export async function pruneWebhookDeliveries(db: Database, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - WEBHOOK_DELIVERY_RETENTION_MS);
  const gone = await db
    .delete(d)
    .where(and(inArray(d.status, ["delivered", "failed"]), lt(d.createdAt, cutoff)))
    .returning({ id: d.id });
  return gone.length;
}
