import type { AuditAction } from "@relaypost/contract";
import { type Database, schema, type Transaction } from "@relaypost/db";
import { and, asc, eq } from "drizzle-orm";
import type { Actor } from "../actor";
import { recordAudit } from "../audit/audit-log";
import { DomainError, notFound } from "../errors";
import { announceRevocation } from "./revocation";
import { assertMayActOn, assertMayGrant, type Role, type RoleScope } from "./roles";

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
}

const m = schema.memberships;

export async function membershipRole(db: Database, organizationId: string, userId: string): Promise<Role | undefined> {
  const [row] = await db
    .select({ role: m.role })
    .from(m)
    .where(and(eq(m.organizationId, organizationId), eq(m.userId, userId)));
  return row?.role;
}

export async function listMembers(db: Database, organizationId: string): Promise<Member[]> {
  return db
    .select({
      userId: m.userId,
      email: schema.users.email,
      name: schema.users.name,
      role: m.role,
      createdAt: m.createdAt,
    })
    .from(m)
    .innerJoin(schema.users, eq(schema.users.id, m.userId))
    .where(eq(m.organizationId, organizationId))
    .orderBy(asc(schema.users.email));
}

/** Organizations always keep an owner: the last one can be neither demoted nor removed. */
async function assertNotLastOwner(tx: Transaction, organizationId: string, userId: string) {
  const owners = await tx
    .select({ userId: m.userId })
    .from(m)
    .where(and(eq(m.organizationId, organizationId), eq(m.role, "owner")))
    .for("update");
  if (owners.length === 1 && owners[0]?.userId === userId) {
    throw new DomainError("BAD_REQUEST", "An organization needs at least one owner", "role");
  }
}

/** The member's current role, locked until the transaction ends so the ladder judges what is really changed. */
async function lockedRole(tx: Transaction, organizationId: string, userId: string): Promise<Role> {
  const [row] = await tx
    .select({ role: m.role })
    .from(m)
    .where(and(eq(m.organizationId, organizationId), eq(m.userId, userId)))
    .for("update");
  if (!row) throw notFound("Member");
  return row.role;
}

export async function setMemberRole(db: Database, scope: RoleScope, userId: string, role: Role) {
  const { organizationId, actor } = scope;
  return db.transaction(async (tx) => {
    assertMayActOn(scope.role, await lockedRole(tx, organizationId, userId));
    assertMayGrant(scope.role, role);
    if (role !== "owner") await assertNotLastOwner(tx, organizationId, userId);
    await tx
      .update(m)
      .set({ role })
      .where(and(eq(m.organizationId, organizationId), eq(m.userId, userId)));
    // Live connections hold the role they started with; end them so they reconnect with the new one.
    await announceRevocation(tx, { kind: "member", organizationId, userId });
    await audit(tx, organizationId, actor, "member.role_changed", userId, null, { role });
  });
}

export async function removeMember(db: Database, scope: RoleScope, userId: string) {
  const { organizationId, actor } = scope;
  return db.transaction(async (tx) => {
    assertMayActOn(scope.role, await lockedRole(tx, organizationId, userId));
    await assertNotLastOwner(tx, organizationId, userId);
    await tx.delete(m).where(and(eq(m.organizationId, organizationId), eq(m.userId, userId)));
    await announceRevocation(tx, { kind: "member", organizationId, userId });
    await audit(tx, organizationId, actor, "member.removed", userId, null, {});
  });
}

function audit(
  tx: Transaction,
  organizationId: string,
  actor: Actor,
  action: AuditAction,
  userId: string,
  label: string | null,
  metadata: Record<string, unknown>,
) {
  return recordAudit(tx, {
    organizationId,
    actor,
    action,
    targetType: "member",
    targetId: userId,
    targetLabel: label,
    metadata,
  });
}
