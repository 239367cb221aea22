import { randomUUID } from "node:crypto";
import { type Database, type Executor, queryRows, schema } from "@relaypost/db";
import { and, eq, sql } from "drizzle-orm";
import { appendEvents } from "../events/store";
import type { RelayEvent } from "../events/types";
import { type Keyring, SecretUnavailableError } from "../secret-box";
import { createWorkLoop } from "../work-loop";
import type { WebhookNetworkPolicy } from "./endpoint-address";
import { anyEndpointEnabled, FAN_OUT_BATCH, fanOutEvents } from "./fan-out";
import { postWebhook, type SendResult } from "./sender";
import { openSigningSecret, signatureHeader } from "./signing-secret";

const d = schema.webhookDeliveries;
const w = schema.webhookEndpoints;

export interface WebhookDeliveryOptions {
  policy: WebhookNetworkPolicy;
  /** How long an endpoint has to answer one attempt. */
  timeoutMs?: number;
  /** Attempts before a delivery is given up as failed. */
  maxAttempts?: number;
  /** Delay before the next attempt, given how many there have been (tests pass a fixed one). */
  backoff?: (attempts: number) => number;
  /** An endpoint is turned off after this many failed attempts in a row… */
  disableAfterFailures?: number;
  /** …that have gone on for at least this long. */
  disableAfterMs?: number;
  leaseMs?: number;
  pollIntervalMs?: number;
  /** Deliveries sent at once by this process. */
  concurrency?: number;
  now?: () => Date;
}

export interface WebhookDeliveryDependencies {
  db: Database;
  keyring: Keyring | undefined;
  onError: (error: unknown) => void;
  /** Events this worker committed (an endpoint turned off), for this process's bus. */
  onCommitted?: (events: RelayEvent[]) => void;
}

/** Standard Webhooks' suggested schedule after the first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
const SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
export const DEFAULT_MAX_ATTEMPTS = SCHEDULE_MS.length + 1;

/** The schedule with ±10 % jitter, so deliveries failed together are not all retried at the same instant. */
export function standardBackoff(random: () => number = Math.random) {
  return (attempts: number): number => {
    const base = SCHEDULE_MS[Math.min(attempts, SCHEDULE_MS.length) - 1] ?? SCHEDULE_MS[0] ?? 5_000;
    return Math.round(base * (0.9 + 0.2 * random()));
  };
}

interface Claimed {
  id: string;
  endpointId: string;
  organizationId: string;
  eventId: number;
  payload: string;
  attempts: number;
  lease: string;
}

/** Takes up to `limit` due deliveries of enabled endpoints under a lease, as the mail outbox does (relay/outbox.ts). */
async function claimDue(db: Database, limit: number, at: Date, leaseMs: number): Promise<Claimed[]> {
  const lease = randomUUID();
  const rows = await queryRows<{
    id: string;
    endpoint_id: string;
    organization_id: string;
    event_id: string | number;
    payload: string;
    attempts: number;
  }>(
    db,
    sql`update ${d} set lease_owner = ${lease}, attempts = attempts + 1,
          lease_expires_at = ${new Date(at.getTime() + leaseMs).toISOString()}::timestamptz
        where id in (
          select d.id from ${d} d join ${w} e on e.id = d.endpoint_id
          where d.status = 'pending' and e.enabled and d.next_attempt_at <= ${at.toISOString()}::timestamptz
            and (d.lease_expires_at is null or d.lease_expires_at <= ${at.toISOString()}::timestamptz)
          order by d.next_attempt_at limit ${limit}
          for update of d skip locked)
        returning id, endpoint_id, organization_id, event_id, payload, attempts`,
  );
  return rows.map((r) => ({
    id: r.id,
    endpointId: r.endpoint_id,
    organizationId: r.organization_id,
    eventId: Number(r.event_id),
    payload: r.payload,
    attempts: r.attempts,
    lease,
  }));
}

const answerOf = (result: SendResult) =>
  result.status === null ? result.response : `HTTP ${result.status}${result.response ? `: ${result.response}` : ""}`;

/**
 * This process's webhook workers: each round fans newly committed events out into deliveries (fan-out.ts), then
 * claims due deliveries, signs each per Standard Webhooks with the endpoint's secret (and the previous one during a
 * rotation) and POSTs it. A 2xx delivers it; anything else is retried on the backoff schedule until the attempts
 * run out. An endpoint failing on and on is turned off, with a `webhook.disabled` event.
 */
export function createWebhookWorker(options: WebhookDeliveryOptions, deps: WebhookDeliveryDependencies) {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const backoff = options.backoff ?? standardBackoff();
  const disableAfterFailures = options.disableAfterFailures ?? 10;
  const disableAfterMs = options.disableAfterMs ?? 24 * 3_600_000;
  const leaseMs = options.leaseMs ?? 60_000;
  const now = options.now ?? (() => new Date());
  const { db, keyring } = deps;

  /** The secrets to sign with: the current one, and the previous one while its overlap lasts. */
  function signingSecrets(endpoint: typeof w.$inferSelect, at: Date): string[] {
    if (!keyring) throw new SecretUnavailableError("RELAYPOST_SECRET_KEY is not set: webhooks cannot be signed");
    const secrets = [openSigningSecret(keyring, endpoint.secret, endpoint.organizationId)];
    if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > at) {
      secrets.push(openSigningSecret(keyring, endpoint.previousSecret, endpoint.organizationId));
    }
    return secrets;
  }

  /** Signs and POSTs one delivery; a secret that cannot be opened is a failed attempt like an unreachable endpoint. */
  async function attempt(endpoint: typeof w.$inferSelect, delivery: Claimed): Promise<SendResult> {
    const at = now();
    const messageId = `msg_${delivery.eventId}`;
    let signature: string;
    try {
      signature = signatureHeader(signingSecrets(endpoint, at), messageId, at, delivery.payload);
    } catch (error) {
      if (error instanceof SecretUnavailableError) return { status: null, response: `not sent: ${error.message}` };
      throw error;
    }
    const headers = {
      "user-agent": "RelayPost-Webhooks/1",
      "webhook-id": messageId,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": signature,
    };
    return postWebhook(endpoint.url, headers, delivery.payload, { policy: options.policy, timeoutMs });
  }

  async function send(delivery: Claimed): Promise<void> {
    const [endpoint] = await db.select().from(w).where(eq(w.id, delivery.endpointId));
    // Deleted meanwhile: its deliveries went with it.
    if (!endpoint) return;
    const result = await attempt(endpoint, delivery);
    const events = await db.transaction((tx) => record(tx, delivery, result, now()));
    if (events.length > 0) deps.onCommitted?.(events);
  }

  /** Writes one attempt's outcome, while this claim still holds the delivery, and the endpoint's run of failures. */
  async function record(tx: Executor, delivery: Claimed, result: SendResult, at: Date): Promise<RelayEvent[]> {
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const status = ok ? "delivered" : delivery.attempts >= maxAttempts ? "failed" : "pending";
    const written = await tx
      .update(d)
      .set({
        status,
        lastStatus: result.status,
        lastResponse: result.response,
        lastAttemptAt: at,
        nextAttemptAt: status === "pending" ? new Date(at.getTime() + backoff(delivery.attempts)) : at,
        leaseOwner: null,
        leaseExpiresAt: null,
      })
      .where(and(eq(d.id, delivery.id), eq(d.leaseOwner, delivery.lease)))
      .returning({ id: d.id });
    if (written.length === 0) return [];
    if (ok) {
      await tx.update(w).set({ consecutiveFailures: 0, failingSince: null }).where(eq(w.id, delivery.endpointId));
      return [];
    }
    const [endpoint] = await tx
      .update(w)
      .set({
        consecutiveFailures: sql`${w.consecutiveFailures} + 1`,
        failingSince: sql`coalesce(${w.failingSince}, ${at.toISOString()}::timestamptz)`,
      })
      .where(eq(w.id, delivery.endpointId))
      .returning();
    if (
      !endpoint?.enabled ||
      endpoint.consecutiveFailures < disableAfterFailures ||
      at.getTime() - (endpoint.failingSince?.getTime() ?? at.getTime()) < disableAfterMs
    ) {
      return [];
    }
    const reason = `turned off after ${endpoint.consecutiveFailures} failed attempts in a row; last: ${answerOf(result)}`;
    await tx.update(w).set({ enabled: false, disabledReason: reason }).where(eq(w.id, endpoint.id));
    return appendEvents(tx, [
      {
        organizationId: endpoint.organizationId,
        credentialId: null,
        username: null,
        remoteAddress: null,
        type: "webhook.disabled",
        data: {
          endpointId: endpoint.id,
          url: endpoint.url,
          failures: endpoint.consecutiveFailures,
          lastResponse: answerOf(result),
        },
      },
    ]);
  }

  const loop = createWorkLoop(
    async (limit: number) => {
      // Deliveries of endpoints that are off wait; with none on, the round ends here (one query while idle).
      if (!(await anyEndpointEnabled(db))) return [];
      while ((await fanOutEvents(db)) === FAN_OUT_BATCH);
      return claimDue(db, limit, now(), leaseMs);
    },
    send,
    { capacity: options.concurrency ?? 8, pollIntervalMs: options.pollIntervalMs ?? 1_000, onError: deps.onError },
  );
  // The loop's slot reservations are for work handed over from elsewhere, which webhooks never get.
  const { runOnce, drain, start, wake, stop } = loop;
  return { runOnce, drain, start, wake, stop };
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>;
