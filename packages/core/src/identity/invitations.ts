import { UNUSABLE_INVITATION_MESSAGES, type UnusableInvitationReason } from "@relaypost/contract";
import { type Database, type Executor, schema, type Transaction } from "@relaypost/db";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { Actor } from "../actor";
import { recordAudit } from "../audit/audit-log";
import { DomainError, notFound } from "../errors";
import type { PasswordHasher } from "../hashing";
import type { Transact } from "../idempotency/idempotency";
import { BASE62, randomString } from "../random";
import { hashToken } from "../tokens";
import { assertMayGrant, type Role, type RoleScope } from "./roles";
import { createUser } from "./users";

export const INVITATION_PREFIX = "rpinv_";
/** Long enough to reach a colleague over a weekend, short enough that a forgotten link stops working soon. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface Invitation {
  id: string;
  role: Role;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * What the holder of a link may learn before accepting it: where it leads (the slug tells apart organizations of the
 * same name), with which role, from whom and until when. Nothing about other people's addresses.
 */
export interface InvitationPreview {
  organizationName: string;
  organizationSlug: string;
  role: Role;
  /** The inviter's display name; null when they gave none or their account is gone. */
  inviterName: string | null;
  expiresAt: Date;
}

/** A link that cannot be used, and why: the holder of the token may know, since they hold it. */
export class InvitationUnusableError extends DomainError {
  constructor(readonly reason: UnusableInvitationReason) {
    super("NOT_FOUND", UNUSABLE_INVITATION_MESSAGES[reason]);
    this.name = "InvitationUnusableError";
  }
}

const t = schema.invitations;
const columns = { id: t.id, role: t.role, createdAt: t.createdAt, expiresAt: t.expiresAt };

type LinkState = { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date };

/** Why a link cannot be used, or undefined when it can; the same order `usable` checks. */
function unusableReason(link: LinkState | undefined, now: Date): UnusableInvitationReason | undefined {
  if (!link) return "invalid";
  if (link.acceptedAt) return "used";
  if (link.revokedAt) return "revoked";
  if (link.expiresAt <= now) return "expired";
  return undefined;
}

/** The refusal for a link found unusable (after a conditional update matched nothing, say). */
async function unusable(executor: Executor, token: string, now: Date): Promise<InvitationUnusableError> {
  const [link] = await executor
    .select({ acceptedAt: t.acceptedAt, revokedAt: t.revokedAt, expiresAt: t.expiresAt })
    .from(t)
    .where(eq(t.tokenHash, hashToken(token)));
  return new InvitationUnusableError(unusableReason(link, now) ?? "invalid");
}

/** Only links that nobody accepted or revoked and that have not expired can still be used. */
const usable = (now: Date) => and(isNull(t.acceptedAt), isNull(t.revokedAt), gt(t.expiresAt, now));

export const generateInvitationToken = () => `${INVITATION_PREFIX}${randomString(BASE62, 43)}`;

/** Creates a single-use link token; like every token it is kept only as a hash, so it is shown this once. */
export async function createInvitation(
  db: Database,
  scope: RoleScope,
  role: Role,
  transact: Transact<{ invitation: Invitation; token: string }> = (work) => db.transaction(work),
  now = new Date(),
): Promise<{ invitation: Invitation; token: string }> {
  const { organizationId, actor } = scope;
  assertMayGrant(scope.role, role);
  const token = generateInvitationToken();
  return transact(async (tx) => {
    const [invitation] = await tx
      .insert(t)
      .values({
        organizationId,
        role,
        tokenHash: hashToken(token),
        createdBy: actor.type === "user" ? actor.id : null,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      })
      .returning(columns);
    if (!invitation) throw new Error("insert returned no row");
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "invitation.created",
      targetType: "invitation",
      targetId: invitation.id,
      metadata: { role },
    });
    return { invitation, token };
  });
}

/** The organization's links that can still be accepted, newest first. */
export async function listInvitations(db: Database, organizationId: string, now = new Date()): Promise<Invitation[]> {
  return db
    .select(columns)
    .from(t)
    .where(and(eq(t.organizationId, organizationId), usable(now)))
    .orderBy(desc(t.createdAt));
}

export async function revokeInvitation(db: Database, organizationId: string, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(t)
      .set({ revokedAt: new Date() })
      .where(and(eq(t.id, id), eq(t.organizationId, organizationId), isNull(t.acceptedAt), isNull(t.revokedAt)))
      .returning({ id: t.id, role: t.role });
    if (!row) throw notFound("Invitation");
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: row.id,
      metadata: { role: row.role },
    });
  });
}

/** Where a link leads, or an InvitationUnusableError saying why it cannot be used. */
export async function previewInvitation(db: Database, token: string, now = new Date()): Promise<InvitationPreview> {
  const [row] = await db
    .select({
      organizationName: schema.organizations.name,
      organizationSlug: schema.organizations.slug,
      role: t.role,
      inviterName: schema.users.name,
      expiresAt: t.expiresAt,
      acceptedAt: t.acceptedAt,
      revokedAt: t.revokedAt,
    })
    .from(t)
    .innerJoin(schema.organizations, eq(schema.organizations.id, t.organizationId))
    .leftJoin(schema.users, eq(schema.users.id, t.createdBy))
    .where(eq(t.tokenHash, hashToken(token)));
  const reason = unusableReason(row, now);
  if (!row || reason) throw new InvitationUnusableError(reason ?? "invalid");
  const { organizationName, organizationSlug, role, inviterName, expiresAt } = row;
  return { organizationName, organizationSlug, role, inviterName: inviterName || null, expiresAt };
}

/**
 * Makes the signed-in user a member with the invitation's role and spends the link, in one transaction, so a link
 * admits exactly one person even when two people open it at once.
 */
export function acceptInvitation(
  db: Database,
  actor: Actor & { type: "user"; id: string },
  token: string,
  now = new Date(),
): Promise<{ organizationId: string; role: Role }> {
  return db.transaction((tx) => admit(tx, actor, token, now));
}

/**
 * Creates an account straight into the organization whose link the newcomer followed: account and membership are
 * made in one transaction, so a link that turns out spent leaves no account behind, and the invitee is not handed
 * an organization of their own they never asked for. The link is judged before the address, so an unusable link
 * gets the same answer whether or not the address has an account; a taken address throws EmailTakenError after the
 * same hashing work and leaves the link unspent.
 */
export function signUpWithInvitation(
  db: Database,
  hasher: PasswordHasher,
  input: { email: string; password: string; name?: string | undefined },
  token: string,
  remoteAddress: string | null,
  now = new Date(),
): Promise<void> {
  return db.transaction(async (tx) => {
    const [link] = await tx
      .select({ acceptedAt: t.acceptedAt, revokedAt: t.revokedAt, expiresAt: t.expiresAt })
      .from(t)
      .where(eq(t.tokenHash, hashToken(token)))
      .for("update");
    const reason = unusableReason(link, now);
    if (reason) throw new InvitationUnusableError(reason);
    const user = await createUser(tx, hasher, input);
    await admit(tx, { type: "user", id: user.id, label: user.email, remoteAddress }, token, now);
  });
}

async function admit(
  tx: Transaction,
  actor: Actor & { type: "user"; id: string },
  token: string,
  now: Date,
): Promise<{ organizationId: string; role: Role }> {
  const [invitation] = await tx
    .update(t)
    .set({ acceptedAt: now, acceptedBy: actor.id })
    .where(and(eq(t.tokenHash, hashToken(token)), usable(now)))
    .returning({ id: t.id, organizationId: t.organizationId, role: t.role });
  if (!invitation) throw await unusable(tx, token, now);
  const inserted = await tx
    .insert(schema.memberships)
    .values({ organizationId: invitation.organizationId, userId: actor.id, role: invitation.role })
    .onConflictDoNothing()
    .returning();
  // Rolls the link back too: it stays usable for the person it was meant for.
  if (inserted.length === 0) throw new DomainError("CONFLICT", "You are already a member of this organization");
  await recordAudit(tx, {
    organizationId: invitation.organizationId,
    actor,
    action: "member.joined",
    targetType: "member",
    targetId: actor.id,
    targetLabel: actor.label,
    metadata: { role: invitation.role, invitationId: invitation.id },
  });
  return { organizationId: invitation.organizationId, role: invitation.role };
}
