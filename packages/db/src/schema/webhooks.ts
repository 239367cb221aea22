import { bigint, boolean, index, integer, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./columns";
import { organizations } from "./organizations";

/**
 * An organization's webhook endpoint. The signing secret is kept only sealed with the server key (AES-256-GCM, see
 * docs/api.md); after a rotation the previous one keeps signing beside it until `previousSecretExpiresAt`. Events
 * with an id above `fromEventId` are delivered, so a new endpoint gets what happens after it was added.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: id(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    url: text().notNull(),
    description: text().notNull().default(""),
    /** The event types sent; empty sends every type. */
    eventTypes: text().array().notNull().default([]),
    enabled: boolean().notNull().default(true),
    /** Why it was turned off by RelayPost (repeated failure); null when enabled or turned off by a member. */
    disabledReason: text(),
    consecutiveFailures: integer().notNull().default(0),
    /** When the run of failed attempts began; null after a success. */
    failingSince: timestamp({ withTimezone: true }),
    secret: text().notNull(),
    previousSecret: text(),
    previousSecretExpiresAt: timestamp({ withTimezone: true }),
    fromEventId: bigint({ mode: "number" }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index().on(t.organizationId)],
);

/**
 * One event to send to one endpoint, and what became of it: `pending` until the endpoint answers 2xx (`delivered`)
 * or the attempts run out (`failed`). Claimed with a lease like the mail outbox, so each is sent by one process at a
 * time and a process that dies mid-send leaves it to another.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: id(),
    endpointId: uuid()
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    organizationId: uuid().notNull(),
    eventId: bigint({ mode: "number" }).notNull(),
    eventType: text().notNull(),
    /** The exact JSON body signed and sent on every attempt. */
    payload: text().notNull(),
    status: text().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    leaseOwner: uuid(),
    leaseExpiresAt: timestamp({ withTimezone: true }),
    /** The endpoint's HTTP status on the last attempt; null when it could not be reached. */
    lastStatus: integer(),
    /** The start of its answer's body, or why it could not be reached. */
    lastResponse: text(),
    lastAttemptAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    unique().on(t.endpointId, t.eventId),
    index().on(t.status, t.nextAttemptAt),
    index().on(t.endpointId, t.createdAt),
  ],
);

/** How far the webhook fan-out has read the event log: one row, locked by the process doing a round. */
export const webhookFanOut = pgTable("webhook_fan_out", {
  id: integer().primaryKey(),
  lastEventId: bigint({ mode: "number" }).notNull(),
});
