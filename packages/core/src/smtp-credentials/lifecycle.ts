import { type CredentialEventType, descriptionSchema, USERNAME_PATTERN, USERNAME_RULES } from "@relaypost/contract";
import { type Database, schema, type Transaction } from "@relaypost/db";
import { and, eq } from "drizzle-orm";
import type { Actor } from "../actor";
import { recordAudit } from "../audit/audit-log";
import { violatedUniqueConstraint } from "../db-errors";
import { DomainError, notFound } from "../errors";
import { appendEvents } from "../events/store";
import type { PasswordHasher } from "../hashing";
import { announceRevocation } from "../identity/revocation";
import { type SmtpCredential, toSmtpCredential } from "./credential";
import { formatSmtpPassword, generateLookupId } from "./password";
import { type RestrictionsInput, restrictionChanges, restrictionColumns } from "./restrictions";
import { generateUsername } from "./username";

/** The organization a call acts in and who acts; every operation is confined to this organization. */
export interface Scope {
  organizationId: string;
  actor: Actor;
}

export interface CredentialWithPassword {
  credential: SmtpCredential;
  /** Shown once: it is stored only as an argon2id hash. */
  password: string;
}

const MAX_GENERATION_ATTEMPTS = 8;

/** Changes after which the credential's open SMTP sessions must end on every process (docs/architecture.md). */
const REVOKING_CHANGES: ReadonlySet<CredentialEventType> = new Set([
  "credential.password_regenerated",
  "credential.deactivated",
  "credential.deleted",
]);
const t = schema.smtpCredentials;

export function createCredentialLifecycle(db: Database, hasher: PasswordHasher) {
  /** Runs one mutation with its audit entry and event in a single transaction. */
  async function mutate(
    scope: Scope,
    action: CredentialEventType,
    change: (tx: Transaction) => Promise<typeof t.$inferSelect | undefined>,
    metadata?: Record<string, unknown>,
  ): Promise<SmtpCredential> {
    return db.transaction(async (tx) => {
      const row = await change(tx);
      if (!row) throw notFound("SMTP credential");
      await recordChange(tx, scope, action, row, metadata);
      if (REVOKING_CHANGES.has(action)) await announceRevocation(tx, { kind: "credential", credentialId: row.id });
      return toSmtpCredential(row);
    });
  }

  const byId = (scope: Scope, id: string) => and(eq(t.id, id), eq(t.organizationId, scope.organizationId));

  return {
    async create(scope: Scope, input: NewCredentialInput) {
      const requested = input.username?.trim() || undefined;
      if (requested !== undefined && !USERNAME_PATTERN.test(requested)) {
        throw new DomainError("BAD_REQUEST", `Username must be ${USERNAME_RULES}`, "username");
      }
      const description = normalizeDescription(input.description);
      const restrictions = restrictionChanges(input);
      for (let attempt = 0; attempt < MAX_GENERATION_ATTEMPTS; attempt++) {
        const lookupId = generateLookupId();
        const password = formatSmtpPassword(lookupId);
        const passwordHash = await hasher.hash(password);
        const username = requested ?? generateUsername();
        try {
          const credential = await db.transaction(async (tx) => {
            const now = new Date();
            const [row] = await tx
              .insert(t)
              .values({
                organizationId: scope.organizationId,
                lookupId,
                username,
                description,
                ...restrictionColumns(restrictions),
                passwordHash,
                createdBy: scope.actor.type === "user" ? scope.actor.id : null,
                createdAt: now,
                updatedAt: now,
                passwordChangedAt: now,
              })
              .returning();
            if (!row) throw new Error("insert returned no row");
            await recordChange(tx, scope, "credential.created", row, { description, ...restrictions });
            return toSmtpCredential(row);
          });
          return { credential, password } satisfies CredentialWithPassword;
        } catch (error) {
          const constraint = violatedUniqueConstraint(error);
          if (constraint === "smtp_credentials_org_username_key" && requested !== undefined) {
            throw new DomainError("CONFLICT", `The username "${requested}" is already taken`, "username");
          }
          // A generated username or a lookup id collided: draw again.
          if (constraint === undefined) throw error;
        }
      }
      throw new DomainError("CONFLICT", "Could not generate a unique username; try again", "username");
    },

    /** Changes the settings given; restrictions apply from the next command on every process, as they are read there. */
    update(scope: Scope, id: string, input: CredentialUpdate) {
      const changes = {
        ...(input.description === undefined ? {} : { description: normalizeDescription(input.description) }),
        ...restrictionChanges(input),
      };
      if (Object.keys(changes).length === 0) throw new DomainError("BAD_REQUEST", "Nothing to change");
      return mutate(
        scope,
        "credential.updated",
        async (tx) => {
          // A new expiry is announced again when it comes.
          const { description, ...restrictions } = changes;
          const set = {
            ...(description === undefined ? {} : { description }),
            ...restrictionColumns(restrictions),
            ...("expiresAt" in changes ? { expiryAnnouncedAt: null } : {}),
          };
          return (await tx.update(t).set(set).where(byId(scope, id)).returning())[0];
        },
        changes,
      );
    },

    async regeneratePassword(scope: Scope, id: string): Promise<CredentialWithPassword> {
      const [current] = await db.select({ lookupId: t.lookupId }).from(t).where(byId(scope, id));
      if (!current) throw notFound("SMTP credential");
      const password = formatSmtpPassword(current.lookupId);
      const passwordHash = await hasher.hash(password);
      const credential = await mutate(
        scope,
        "credential.password_regenerated",
        async (tx) =>
          (
            await tx.update(t).set({ passwordHash, passwordChangedAt: new Date() }).where(byId(scope, id)).returning()
          )[0],
      );
      return { credential, password };
    },

    setActive(scope: Scope, id: string, active: boolean) {
      return mutate(
        scope,
        active ? "credential.activated" : "credential.deactivated",
        async (tx) => (await tx.update(t).set({ active }).where(byId(scope, id)).returning())[0],
      );
    },

    async delete(scope: Scope, id: string): Promise<void> {
      await mutate(
        scope,
        "credential.deleted",
        async (tx) => (await tx.delete(t).where(byId(scope, id)).returning())[0],
      );
    },
  };
}

export type CredentialLifecycle = ReturnType<typeof createCredentialLifecycle>;

export interface NewCredentialInput extends RestrictionsInput {
  username?: string | undefined;
  description?: string | undefined;
}

export interface CredentialUpdate extends RestrictionsInput {
  description?: string | undefined;
}

function normalizeDescription(description: string | undefined): string {
  const parsed = descriptionSchema.safeParse(description ?? "");
  if (!parsed.success) throw new DomainError("BAD_REQUEST", parsed.error.issues[0]?.message ?? "", "description");
  return parsed.data;
}

async function recordChange(
  tx: Transaction,
  scope: Scope,
  action: CredentialEventType,
  row: typeof t.$inferSelect,
  metadata?: Record<string, unknown>,
) {
  await recordAudit(tx, {
    organizationId: scope.organizationId,
    actor: scope.actor,
    action,
    targetType: "smtp_credential",
    targetId: row.id,
    targetLabel: row.username,
    ...(metadata ? { metadata } : {}),
  });
  await appendEvents(tx, [
    {
      organizationId: scope.organizationId,
      type: action,
      credentialId: row.id,
      username: row.username,
      remoteAddress: scope.actor.remoteAddress,
      data: {
        actor: scope.actor.label,
        active: row.active,
        ...(action === "credential.updated" && metadata ? { changed: Object.keys(metadata) } : {}),
      },
    },
  ]);
}
