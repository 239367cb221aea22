import type { AuditAction } from "@relaypost/contract";
import { type Database, type Executor, schema } from "@relaypost/db";
import { and, desc, eq, lt } from "drizzle-orm";
import type { Actor } from "../actor";

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

export async function listAudit(
  db: Database,
  organizationId: string,
  page: { cursor?: number | undefined; limit: number },
): Promise<{ items: AuditEntry[]; nextCursor: number | null }> {
  const t = schema.auditLog;
  const rows = await db
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
    .where(and(eq(t.organizationId, organizationId), page.cursor ? lt(t.id, page.cursor) : undefined))
    .orderBy(desc(t.id))
    .limit(page.limit + 1);
  // Written only through recordAudit, so the column holds actions of the union.
  const items = rows.slice(0, page.limit).map((row) => ({ ...row, action: row.action as AuditAction }));
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}
