import { randomUUID } from "node:crypto";
import { type Database, queryRows, schema } from "@relaypost/db";
import type { RecipientResult } from "@relaypost/db/schema";
import { sql } from "drizzle-orm";
import { appendEvents } from "../events/store";
import type { NewEvent, RelayEvent } from "../events/types";
import type { MessageFate } from "./attempt-outcome";

const m = schema.smtpMessages;

/** A message a worker holds the lease on, with what delivering it needs. */
export interface ClaimedMessage {
  id: string;
  organizationId: string;
  credentialId: string | null;
  username: string | null;
  remoteAddress: string | null;
  mailFrom: string;
  /** The body's first segment, and how many more are stored (message-body.ts). */
  head: Buffer;
  parts: number;
  recipients: RecipientResult[];
  attempts: number;
  createdAt: Date;
  /** This claim's token: the outcome is written only while the row still carries it. */
  lease: string;
  /** The version of the organization's own upstream when claimed; null: it has none (the server's default). */
  upstreamVersion: string | null;
}

/**
 * A lease on messages not yet stored: the intake writes them already claimed by it (`lease_owner`, expiry, first
 * attempt counted), so this process's workers deliver them as soon as they commit, with no claim to find them. A
 * process that dies before delivering leaves them to be claimed once the lease expires, like any claim.
 */
export interface HandoffLease {
  token: string;
  expiresAt: Date;
  /** How many of the batch's queued messages may take it: the workers' free slots. */
  slots: number;
}

/** This process's delivery workers, as the intake sees them. */
export interface DeliveryHandoff {
  /** A lease for up to `n` messages, if any worker slot is free. */
  reserve(n: number): HandoffLease | undefined;
  /** Delivers committed messages stored under a lease `reserve` gave; `unused` slots of it are given back. */
  handOver(messages: readonly ClaimedMessage[], unused: number): void;
}

interface ClaimedRow extends Record<string, unknown> {
  id: string;
  organization_id: string;
  credential_id: string | null;
  username: string | null;
  remote_address: string | null;
  mail_from: string;
  raw: Buffer | Uint8Array;
  parts: number;
  recipients: RecipientResult[] | null;
  rcpt_to: string[];
  attempts: number;
  created_at: Date | string;
  upstream_version: string | null;
}

/**
 * Takes up to `limit` due messages: queued or deferred, due by `now`, and not held by an unexpired lease. SKIP LOCKED
 * lets workers on every process claim at once without waiting for or taking each other's rows; the lease (a fresh
 * token and an expiry) is what keeps a claimed row from being claimed again once this statement commits, and what
 * frees it when the process holding it dies. PGlite runs the same statement in its single process.
 */
export async function claimDue(
  db: Database,
  { limit, now, leaseMs }: { limit: number; now: Date; leaseMs: number },
): Promise<ClaimedMessage[]> {
  const lease = randomUUID();
  const at = now.toISOString();
  const expires = new Date(now.getTime() + leaseMs).toISOString();
  const rows = await queryRows<ClaimedRow>(
    db,
    sql`update ${m} set lease_owner = ${lease}, lease_expires_at = ${expires}::timestamptz, attempts = attempts + 1
        where id in (
          select id from ${m}
          where status in ('queued', 'deferred') and next_attempt_at <= ${at}::timestamptz
            and (lease_expires_at is null or lease_expires_at <= ${at}::timestamptz)
          order by next_attempt_at
          limit ${limit}
          for update skip locked)
        returning id, organization_id, credential_id, remote_address, mail_from, raw, parts, recipients, rcpt_to, attempts,
          created_at, (select username from ${schema.smtpCredentials} c where c.id = credential_id) as username,
          (select version from ${schema.organizationUpstreams} u where u.organization_id = ${m}.organization_id)
            as upstream_version`,
  );
  return rows.map((row) => ({
    id: row.id,
    organizationId: row.organization_id,
    credentialId: row.credential_id,
    username: row.username,
    remoteAddress: row.remote_address,
    mailFrom: row.mail_from,
    head: Buffer.from(row.raw),
    parts: row.parts,
    recipients: row.recipients ?? row.rcpt_to.map((address) => ({ address, state: "pending", reply: null })),
    attempts: row.attempts,
    createdAt: new Date(row.created_at),
    lease,
    upstreamVersion: row.upstream_version,
  }));
}

/** One attempt's outcome, to be written by the claim that made it. */
export interface AttemptRecord {
  message: ClaimedMessage;
  fate: MessageFate;
  reply: string | null;
  at: Date;
}

/**
 * Writes attempts' outcomes and their events in one transaction, releases the leases and returns the committed
 * events. An outcome is written only while its claim still holds the row: a worker whose lease expired and was taken
 * over writes nothing, and the message is the new holder's, who delivers it again (at-least-once). The events commit
 * with the statuses they report, so a crash cannot leave one without the other. Event-writing transactions take the
 * event order lock until they commit, so many outcomes share one transaction rather than one commit each.
 */
export function recordOutcomes(
  db: Database,
  records: readonly AttemptRecord[],
  eventOf: (record: AttemptRecord) => NewEvent,
): Promise<RelayEvent[]> {
  return db.transaction(async (tx) => {
    const outcomes = records.map(
      ({ message, fate, reply, at }) =>
        sql`(${message.id}::uuid, ${message.lease}::text, ${fate.status}::text, ${JSON.stringify(fate.recipients)}::jsonb,
          ${reply}::text, ${fate.status === "deferred" ? fate.retryAt.toISOString() : null}::timestamptz,
          ${fate.status === "relayed" ? at.toISOString() : null}::timestamptz)`,
    );
    // One statement for the whole batch: per message it would be a round trip each.
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`update ${m} set status = o.status, recipients = o.recipients, last_reply = o.reply,
            next_attempt_at = o.next_attempt_at, relayed_at = o.relayed_at, lease_owner = null, lease_expires_at = null
          from (values ${sql.join(outcomes, sql`, `)})
            as o(id, lease, status, recipients, reply, next_attempt_at, relayed_at)
          where ${m}.id = o.id and ${m}.lease_owner = o.lease
          returning ${m}.id`,
    );
    const written = new Set(rows.map((row) => row.id));
    return appendEvents(tx, records.filter((record) => written.has(record.message.id)).map(eventOf));
  });
}

export interface OutboxStatus {
  queued: number;
  deferred: number;
  /** When the oldest message still waiting for delivery was accepted; null when none waits. */
  oldestWaitingSince: Date | null;
}

/** How deep and how old the outbox is, across organizations: what an operator watches for a stuck upstream. */
export async function outboxStatus(db: Database): Promise<OutboxStatus> {
  const [row] = await queryRows<{ queued: string | number; deferred: string | number; oldest: Date | string | null }>(
    db,
    sql`select count(*) filter (where status = 'queued') as queued, count(*) filter (where status = 'deferred') as deferred,
          min(created_at) as oldest
        from ${m} where status in ('queued', 'deferred')`,
  );
  return {
    queued: Number(row?.queued ?? 0),
    deferred: Number(row?.deferred ?? 0),
    oldestWaitingSince: row?.oldest ? new Date(row.oldest) : null,
  };
}
