import type { EventType } from "@relaypost/contract";
import { type Database, type Executor, queryRows, schema } from "@relaypost/db";
import { and, asc, eq, sql } from "drizzle-orm";
import { recordAudit } from "../audit/audit-log";
import { DomainError, notFound } from "../errors";
import { latestEventId } from "../events/store";
import type { Transact } from "../idempotency/idempotency";
import type { Keyring } from "../secret-box";
import type { Scope } from "../smtp-credentials/lifecycle";
import { assertDeliverableUrl, type WebhookNetworkPolicy } from "./endpoint-address";
import { holdFanOut } from "./fan-out";
import { generateSigningSecret, openSigningSecret, sealSigningSecret } from "./signing-secret";

const t = schema.webhookEndpoints;
type Row = typeof t.$inferSelect;

/** An endpoint as members see it: never its secret, which is shown once when created or rotated. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  /** The event types sent; empty sends every type. */
  eventTypes: EventType[];
  enabled: boolean;
  /** Set when RelayPost turned it off after repeated failure. */
  disabledReason: string | null;
  consecutiveFailures: number;
  /** Until when the secret before the last rotation still signs beside the new one; null when it does not. */
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An endpoint with its signing secret: the only answers that carry it. */
export interface WebhookEndpointWithSecret {
  endpoint: WebhookEndpoint;
  secret: string;
}

export interface NewWebhookEndpoint {
  url: string;
  description?: string | undefined;
  eventTypes?: EventType[] | undefined;
}

export interface WebhookEndpointChanges {
  url?: string | undefined;
  description?: string | undefined;
  eventTypes?: EventType[] | undefined;
  /** Turning it on again also clears its run of failures. */
  enabled?: boolean | undefined;
}

/** Endpoints an organization may have: each event is sent to every one of them. */
export const MAX_ENDPOINTS_PER_ORGANIZATION = 20;
/** How long the previous secret keeps signing after a rotation unless told otherwise. */
export const DEFAULT_ROTATION_OVERLAP_HOURS = 24;

export const MISSING_KEY_FOR_WEBHOOKS =
  "This server cannot sign webhooks: set RELAYPOST_SECRET_KEY (32 bytes in base64, e.g. openssl rand -base64 32) and restart it";

const viewOf = (row: Row): WebhookEndpoint => ({
  id: row.id,
  url: row.url,
  description: row.description,
  eventTypes: row.eventTypes as EventType[],
  enabled: row.enabled,
  disabledReason: row.disabledReason,
  consecutiveFailures: row.consecutiveFailures,
  previousSecretExpiresAt: row.previousSecretExpiresAt,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** The organization's webhook endpoints and what registering, changing and rotating them does (docs/api.md). */
export function createWebhookEndpoints(db: Database, keyring: Keyring | undefined, policy: WebhookNetworkPolicy) {
  function requireKeyring(): Keyring {
    if (!keyring) throw new DomainError("BAD_REQUEST", MISSING_KEY_FOR_WEBHOOKS);
    return keyring;
  }

  async function lockedRow(tx: Executor, scope: Scope, id: string): Promise<Row> {
    const [row] = await tx
      .select()
      .from(t)
      .where(and(eq(t.id, id), eq(t.organizationId, scope.organizationId)))
      .for("update");
    if (!row) throw notFound("Webhook endpoint");
    return row;
  }

  const audit = (
    tx: Executor,
    scope: Scope,
    action: "webhook.created" | "webhook.updated" | "webhook.deleted" | "webhook.secret_rotated",
    row: Row,
    metadata: Record<string, unknown> = {},
  ) =>
    recordAudit(tx, {
      organizationId: scope.organizationId,
      actor: scope.actor,
      action,
      targetType: "webhook_endpoint",
      targetId: row.id,
      targetLabel: row.url,
      metadata,
    });

  return {
    async list(organizationId: string): Promise<WebhookEndpoint[]> {
      const rows = await db.select().from(t).where(eq(t.organizationId, organizationId)).orderBy(asc(t.createdAt));
      return rows.map(viewOf);
    },

    /** `transact` runs the writes; an Idempotency-Key's runner stores the answer in the same transaction. */
    async create(
      scope: Scope,
      input: NewWebhookEndpoint,
      transact: Transact<WebhookEndpointWithSecret> = (work) => db.transaction(work),
    ): Promise<WebhookEndpointWithSecret> {
      const ring = requireKeyring();
      const url = await assertDeliverableUrl(input.url, policy);
      const secret = generateSigningSecret();
      return transact(async (tx) => {
        await holdFanOut(tx);
        const [count] = await queryRows<{ n: number }>(
          tx,
          sql`select count(*)::int as n from ${t} where organization_id = ${scope.organizationId}`,
        );
        if ((count?.n ?? 0) >= MAX_ENDPOINTS_PER_ORGANIZATION) {
          throw new DomainError(
            "BAD_REQUEST",
            `An organization can have at most ${MAX_ENDPOINTS_PER_ORGANIZATION} webhook endpoints`,
          );
        }
        const [row] = await tx
          .insert(t)
          .values({
            organizationId: scope.organizationId,
            url: url.href,
            description: input.description ?? "",
            eventTypes: input.eventTypes ?? [],
            secret: sealSigningSecret(ring, secret, scope.organizationId),
            // Every event committed later has a higher id (events/store.ts): the endpoint gets what happens from now on.
            fromEventId: await latestEventId(tx),
          })
          .returning();
        if (!row) throw new Error("insert returned no row");
        await audit(tx, scope, "webhook.created", row, { eventTypes: row.eventTypes });
        return { endpoint: viewOf(row), secret };
      });
    },

    async update(scope: Scope, id: string, changes: WebhookEndpointChanges): Promise<WebhookEndpoint> {
      const url = changes.url === undefined ? undefined : (await assertDeliverableUrl(changes.url, policy)).href;
      return db.transaction(async (tx) => {
        const before = await lockedRow(tx, scope, id);
        const reenabled = changes.enabled === true && !before.enabled;
        const [row] = await tx
          .update(t)
          .set({
            ...(url === undefined ? {} : { url }),
            ...(changes.description === undefined ? {} : { description: changes.description }),
            ...(changes.eventTypes === undefined ? {} : { eventTypes: changes.eventTypes }),
            ...(changes.enabled === undefined ? {} : { enabled: changes.enabled, disabledReason: null }),
            ...(reenabled ? { consecutiveFailures: 0, failingSince: null } : {}),
          })
          .where(eq(t.id, id))
          .returning();
        if (!row) throw notFound("Webhook endpoint");
        const changed = Object.keys(changes).filter(
          (key) => changes[key as keyof WebhookEndpointChanges] !== undefined,
        );
        await audit(tx, scope, "webhook.updated", row, { changed, enabled: row.enabled });
        return viewOf(row);
      });
    },

    async delete(scope: Scope, id: string): Promise<{ id: string }> {
      return db.transaction(async (tx) => {
        const row = await lockedRow(tx, scope, id);
        await tx.delete(t).where(eq(t.id, id));
        await audit(tx, scope, "webhook.deleted", row);
        return { id };
      });
    },

    /**
     * A new signing secret; the previous one keeps signing beside it for `keepPreviousHours` (0: it stops at once), so
     * receivers can be given the new one without dropping a message.
     */
    async rotateSecret(
      scope: Scope,
      id: string,
      keepPreviousHours = DEFAULT_ROTATION_OVERLAP_HOURS,
    ): Promise<WebhookEndpointWithSecret> {
      const ring = requireKeyring();
      const secret = generateSigningSecret();
      return db.transaction(async (tx) => {
        const before = await lockedRow(tx, scope, id);
        const keep = keepPreviousHours > 0;
        const [row] = await tx
          .update(t)
          .set({
            secret: sealSigningSecret(ring, secret, scope.organizationId),
            previousSecret: keep ? before.secret : null,
            previousSecretExpiresAt: keep ? new Date(Date.now() + keepPreviousHours * 3_600_000) : null,
          })
          .where(eq(t.id, id))
          .returning();
        if (!row) throw notFound("Webhook endpoint");
        await audit(tx, scope, "webhook.secret_rotated", row, { keepPreviousHours });
        return { endpoint: viewOf(row), secret };
      });
    },
  };
}

export type WebhookEndpoints = ReturnType<typeof createWebhookEndpoints>;

/**
 * Seals again, under the current server key, every signing secret sealed under an older one (after a key rotation),
 * so the previous key can be retired; returns how many endpoints changed. Only the row as read is written: a secret
 * rotated meanwhile is not overwritten with the old one.
 */
export async function resealWebhookSecrets(db: Database, keyring: Keyring): Promise<number> {
  const current = `${keyring.currentKeyId}.`;
  const rows = await db.select().from(t);
  let resealed = 0;
  for (const row of rows) {
    const stale = (sealed: string | null) => sealed !== null && !sealed.startsWith(current);
    if (!stale(row.secret) && !stale(row.previousSecret)) continue;
    const reseal = (sealed: string) =>
      sealSigningSecret(keyring, openSigningSecret(keyring, sealed, row.organizationId), row.organizationId);
    await db
      .update(t)
      .set({
        secret: reseal(row.secret),
        previousSecret: row.previousSecret === null ? null : reseal(row.previousSecret),
      })
      .where(and(eq(t.id, row.id), eq(t.secret, row.secret)));
    resealed += 1;
  }
  return resealed;
}
