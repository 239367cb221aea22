import { type Database, schema, type Transaction } from "@relaypost/db";
import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../actor";
import { recordAudit } from "../audit/audit-log";
import { DomainError, notFound } from "../errors";
import type { PasswordHasher } from "../hashing";
import { endUserSessions } from "./sessions";
import { normalizeEmail, USER_PASSWORD_MIN_LENGTH } from "./users";

export type UserActor = Actor & { type: "user"; id: string };

const wrongCurrentPassword = () =>
  new DomainError("BAD_REQUEST", "Your current password is not correct", "currentPassword");

/**
 * Replaces the user's password and ends every other session of theirs, so whoever held one (a stolen cookie, a
 * forgotten device) is out at once, live connections included. The session the change was made from stays.
 */
export async function changePassword(
  db: Database,
  hasher: PasswordHasher,
  actor: UserActor,
  currentPassword: string,
  newPassword: string,
  keepSessionId: string,
): Promise<{ sessionsEnded: number }> {
  assertLongEnough(newPassword, "newPassword");
  const users = schema.users;
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.id));
  if (!user) throw notFound("User");
  if (!(await hasher.verify(user.passwordHash, currentPassword))) throw wrongCurrentPassword();
  // Hashing happens outside the transaction: argon2 takes tens of milliseconds and needs no lock.
  const passwordHash = await hasher.hash(newPassword);
  return db.transaction(async (tx) => {
    // Conditional on the hash just verified: a change made meanwhile means the given password is no longer current.
    const updated = await tx
      .update(users)
      .set({ passwordHash })
      .where(and(eq(users.id, actor.id), eq(users.passwordHash, user.passwordHash)))
      .returning({ id: users.id });
    if (updated.length === 0) throw wrongCurrentPassword();
    const sessionsEnded = await endUserSessions(tx, actor.id, keepSessionId);
    await auditInEveryOrganization(tx, actor, { id: actor.id, label: actor.label }, { sessionsEnded });
    return { sessionsEnded };
  });
}

/**
 * The operator's reset for a user who lost their password: no current password is asked, and every session of the
 * user ends, since whoever holds one may be the reason for the reset.
 */
export async function resetPassword(
  db: Database,
  hasher: PasswordHasher,
  actor: Actor,
  email: string,
  newPassword: string,
): Promise<{ userId: string; sessionsEnded: number }> {
  assertLongEnough(newPassword, "password");
  const users = schema.users;
  const [user] = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(eq(sql`lower(${users.email})`, normalizeEmail(email)));
  if (!user) throw notFound("User");
  const passwordHash = await hasher.hash(newPassword);
  return db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    const sessionsEnded = await endUserSessions(tx, user.id);
    await auditInEveryOrganization(tx, actor, { id: user.id, label: user.email }, { sessionsEnded, reset: true });
    return { userId: user.id, sessionsEnded };
  });
}

function assertLongEnough(password: string, field: string) {
  if (password.length < USER_PASSWORD_MIN_LENGTH) {
    throw new DomainError("BAD_REQUEST", `Password must be at least ${USER_PASSWORD_MIN_LENGTH} characters`, field);
  }
}

/**
 * The audit log belongs to organizations, and a password is the user's own: each organization the user belongs to
 * records the change, since its data is what that password guards.
 */
async function auditInEveryOrganization(
  tx: Transaction,
  actor: Actor,
  user: { id: string; label: string },
  metadata: Record<string, unknown>,
) {
  const memberships = await tx
    .select({ organizationId: schema.memberships.organizationId })
    .from(schema.memberships)
    .where(eq(schema.memberships.userId, user.id));
  for (const { organizationId } of memberships) {
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "user.password_changed",
      targetType: "user",
      targetId: user.id,
      targetLabel: user.label,
      metadata,
    });
  }
}
