import { type Database, schema, type Transaction } from "@relaypost/db";
import { asc, eq, or } from "drizzle-orm";
import type { Actor } from "../actor";
import { recordAudit } from "../audit/audit-log";
import { violatedUniqueConstraint } from "../db-errors";
import { DomainError } from "../errors";
import type { PasswordHasher } from "../hashing";
import { organizationNameSchema } from "../names";
import { BASE36, randomString } from "../random";
import type { Role } from "./roles";
import { createUser, type User } from "./users";

export interface Organization {
  id: string;
  name: string;
  slug: string;
  createdAt: Date;
}

export interface OrganizationMembership extends Organization {
  role: Role;
}

const t = schema.organizations;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    // NFKD splits "è" into "e" and a combining accent; dropping the marks keeps "Crème" one word.
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base || "org";
}

/** The same rule as the API's, so the CLI cannot create a name the dashboard would refuse. */
function validateName(name: string): string {
  const parsed = organizationNameSchema.safeParse(name);
  if (!parsed.success) throw new DomainError("BAD_REQUEST", parsed.error.issues[0]?.message ?? "Invalid name", "name");
  return parsed.data;
}

/**
 * Creates an organization owned by `owner` (an existing user, or a new one from email and password), in one
 * transaction. The slug comes from the name, with a random suffix when taken. `admit` runs first in that transaction
 * and may refuse (sign-up's registration check).
 */
export async function createOrganization(
  db: Database,
  hasher: PasswordHasher,
  input: { name: string; owner: { userId: string } | { email: string; password: string; name?: string } },
  admit?: (tx: Transaction) => Promise<void>,
): Promise<{ organization: Organization; owner: User }> {
  const name = validateName(input.name);
  const base = slugify(name);
  for (let attempt = 0; attempt < 8; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${randomString(BASE36, 4)}`;
    try {
      return await db.transaction(async (tx) => {
        await admit?.(tx);
        const [organization] = await tx.insert(t).values({ name, slug }).returning();
        if (!organization) throw new Error("insert returned no row");
        const owner =
          "userId" in input.owner
            ? await tx
                .select({ id: schema.users.id, email: schema.users.email, name: schema.users.name })
                .from(schema.users)
                .where(eq(schema.users.id, input.owner.userId))
                .then((rows) => rows[0])
            : await createUser(tx, hasher, input.owner);
        if (!owner) throw new DomainError("NOT_FOUND", "User not found");
        await tx
          .insert(schema.memberships)
          .values({ organizationId: organization.id, userId: owner.id, role: "owner" });
        const actor: Actor = { type: "user", id: owner.id, label: owner.email, remoteAddress: null };
        await recordAudit(tx, {
          organizationId: organization.id,
          actor,
          action: "organization.created",
          targetType: "organization",
          targetId: organization.id,
          targetLabel: name,
        });
        return { organization, owner };
      });
    } catch (error) {
      if (violatedUniqueConstraint(error) !== "organizations_slug_unique") throw error;
    }
  }
  throw new DomainError("CONFLICT", "Could not find a free slug for this name", "name");
}

/** An organization by id or slug. */
export async function findOrganization(db: Database, idOrSlug: string): Promise<Organization | undefined> {
  const [row] = await db
    .select()
    .from(t)
    .where(UUID.test(idOrSlug) ? or(eq(t.id, idOrSlug), eq(t.slug, idOrSlug)) : eq(t.slug, idOrSlug));
  return row;
}

/** Every organization on the server, for the operator's CLI; nothing an organization's members can reach. */
export async function listAllOrganizations(db: Database): Promise<Organization[]> {
  return db.select().from(t).orderBy(asc(t.name), asc(t.id));
}

export async function listUserOrganizations(db: Database, userId: string): Promise<OrganizationMembership[]> {
  return db
    .select({ id: t.id, name: t.name, slug: t.slug, createdAt: t.createdAt, role: schema.memberships.role })
    .from(schema.memberships)
    .innerJoin(t, eq(t.id, schema.memberships.organizationId))
    .where(eq(schema.memberships.userId, userId))
    .orderBy(asc(t.name));
}

export async function renameOrganization(db: Database, organizationId: string, actor: Actor, name: string) {
  const validName = validateName(name);
  return db.transaction(async (tx) => {
    const [row] = await tx.update(t).set({ name: validName }).where(eq(t.id, organizationId)).returning();
    if (!row) throw new DomainError("NOT_FOUND", "Organization not found");
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "organization.renamed",
      targetType: "organization",
      targetId: organizationId,
      targetLabel: validName,
    });
    return row;
  });
}
