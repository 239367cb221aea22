import {
  AUDIT_ACTOR_TYPES,
  type AuditAction,
  type AuditActorType,
  type AuditFilter,
  auditActorKey,
} from "@relaypost/contract";
import { type Database, type Executor, schema } from "@relaypost/db";
import { and, count, desc, eq, gte, ilike, inArray, lt, or, type SQL } from "drizzle-orm";
import type { Actor } from "../actor";
import { escapeLike } from "../like";

export interface AuditEntryInput {
  organizationId: string;
  actor: Actor;
  action: AuditAction;
  targetType: string;
  targetId?: string | null;
  targetLabel?: string | null;
  metadata?: Record<string, unknown>;
}

/** Records a mutation; called inside the mutation's own transaction so the two commit or roll back together. */
export async function recordAudit(executor: Executor, entry: AuditEntryInput): Promise<void> {
  await executor.insert(schema.auditLog).values({
    organizationId: entry.organizationId,
    actorType: entry.actor.type,
    actorId: entry.actor.id,
    actorLabel: entry.actor.label,
    remoteAddress: entry.actor.remoteAddress,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    targetLabel: entry.targetLabel ?? null,
    metadata: entry.metadata ?? {},
  });
}

export interface AuditEntry {
  id: number;
  actorType: "user" | "api_key" | "system";
  actorLabel: string;
  action: AuditAction;
  targetType: string;
  targetId: string | null;
  targetLabel: string | null;
  remoteAddress: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
}

/** A page of the log matching an `AuditFilter`, newest first. */
export interface AuditQuery extends AuditFilter {
  cursor?: number | undefined;
  limit: number;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: number | null;
  /** Entries matching the filter, on every page: the cursor narrows the page, not the count. */
  total: number;
}

/** An actor the organization's log holds, named by their latest label, to filter by. */
export interface AuditActor {
  /** The `actor` filter's value for them. */
  actor: string;
  type: AuditActorType;
  label: string;
}

const t = schema.auditLog;

function actorConditions(actor: string): SQL[] {
  if (actor === "system") return [eq(t.actorType, "system")];
  const [type, id = ""] = actor.split(":");
  return [eq(t.actorType, type === "api_key" ? "api_key" : "user"), eq(t.actorId, id)];
}

function filterConditions(organizationId: string, filter: AuditFilter): (SQL | undefined)[] {
  return [
    eq(t.organizationId, organizationId),
    ...(filter.actor ? actorConditions(filter.actor) : []),
    filter.actions?.length ? inArray(t.action, filter.actions) : undefined,
    filter.target
      ? or(eq(t.targetId, filter.target), ilike(t.targetLabel, `%${escapeLike(filter.target)}%`))
      : undefined,
    filter.since ? gte(t.createdAt, filter.since) : undefined,
    filter.until ? lt(t.createdAt, filter.until) : undefined,
  ];
}

/**
 * The organization's entries matching the filter, newest first, by keyset pages on the id (ids grow with time, so a
 * cursor stays right under any filter), with the total the filter matches.
 */
export async function listAudit(db: Database, organizationId: string, query: AuditQuery): Promise<AuditPage> {
  const where = filterConditions(organizationId, query);
  const [rows, counted] = await Promise.all([
    db
      .select({
        id: t.id,
        actorType: t.actorType,
        actorLabel: t.actorLabel,
        action: t.action,
        targetType: t.targetType,
        targetId: t.targetId,
        targetLabel: t.targetLabel,
        remoteAddress: t.remoteAddress,
        metadata: t.metadata,
        createdAt: t.createdAt,
      })
      .from(t)
      .where(and(...where, query.cursor ? lt(t.id, query.cursor) : undefined))
      .orderBy(desc(t.id))
      .limit(query.limit + 1),
    db
      .select({ total: count() })
      .from(t)
      .where(and(...where)),
  ]);
  // Written only through recordAudit, so the column holds actions of the union.
  const items = rows.slice(0, query.limit).map((row) => ({ ...row, action: row.action as AuditAction }));
  return {
    items,
    nextCursor: rows.length > query.limit ? (items.at(-1)?.id ?? null) : null,
    total: counted[0]?.total ?? 0,
  };
}

/** Every actor of the organization's log, each once with their latest label, members first, then by label. */
export async function listAuditActors(db: Database, organizationId: string): Promise<AuditActor[]> {
  const rows = await db
    .selectDistinctOn([t.actorType, t.actorId], { type: t.actorType, id: t.actorId, label: t.actorLabel })
    .from(t)
    .where(eq(t.organizationId, organizationId))
    .orderBy(t.actorType, t.actorId, desc(t.id));
  const order = AUDIT_ACTOR_TYPES;
  return rows
    .map((row) => ({
      actor: auditActorKey(row),
      type: row.type,
      label: row.type === "system" ? "RelayPost (system)" : row.label,
    }))
    .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type) || a.label.localeCompare(b.label));
}
