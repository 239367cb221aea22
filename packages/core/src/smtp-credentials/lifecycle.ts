import {
  type CredentialEventType,
  descriptionSchema,
  keepPreviousForSecondsSchema,
  USERNAME_PATTERN,
  USERNAME_RULES,
} from "@relaypost/contract";
import { type Database, schema, type Transaction } from "@relaypost/db";
import { and, eq } from "drizzle-orm";
import type { Actor } from "../actor";
import { recordAudit } from "../audit/audit-log";
import { violatedUniqueConstraint } from "../db-errors";
import { DomainError, notFound } from "../errors";
import { appendEvents } from "../events/store";
import type { PasswordHasher } from "../hashing";
import type { Transact } from "../idempotency/idempotency";
import { type AccessRevocation, announceRevocation } from "../identity/revocation";
import { hashFingerprint, livePreviousHash } from "../smtp-auth/grant";
import { type SmtpCredential, toSmtpCredential } from "./credential";
import { formatSmtpPassword, generateLookupId } from "./password";
import { parseField, type RestrictionsInput, restrictionChanges, restrictionColumns } from "./restrictions";
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
  /**
   * Runs one mutation with its audit entry, event and revocation notices in a single transaction. `revocations`
   * overrides which open sessions must end; by default a revoking change ends all of the credential's.
   */
  async function mutate(
    scope: Scope,
    action: CredentialEventType,
    change: (tx: Transaction) => Promise<typeof t.$inferSelect | undefined>,
    metadata?: Record<string, unknown>,
    revocations?: () => AccessRevocation[],
  ): Promise<SmtpCredential> {
    return db.transaction(async (tx) => {
      const row = await change(tx);
      if (!row) throw notFound("SMTP credential");
      await recordChange(tx, scope, action, row, metadata);
      const ending =
        revocations?.() ??
        (REVOKING_CHANGES.has(action) ? [{ kind: "credential" as const, credentialId: row.id }] : []);
      for (const revocation of ending) await announceRevocation(tx, revocation);
      return toSmtpCredential(row);
    });
  }

  /** The credential's hashes, its row locked, so a rotation sees the password it replaces. */
  const lockedHashes = async (tx: Transaction, scope: Scope, id: string) =>
    (
      await tx
        .select({
          passwordHash: t.passwordHash,
          previousPasswordHash: t.previousPasswordHash,
          previousPasswordExpiresAt: t.previousPasswordExpiresAt,
        })
        .from(t)
        .where(byId(scope, id))
        .for("update")
    )[0];

  /** Ends the sessions logged in with exactly this password (the other password's sessions go on). */
  const endSessionsOf = (credentialId: string, passwordHash: string | undefined): AccessRevocation[] =>
    passwordHash === undefined
      ? []
      : [{ kind: "credential", credentialId, hashFingerprint: hashFingerprint(passwordHash) }];

  const byId = (scope: Scope, id: string) => and(eq(t.id, id), eq(t.organizationId, scope.organizationId));

  return {
    /** `transact` runs the insert's transaction: an idempotent create passes one that stores the answer with it. */
    async create(
      scope: Scope,
      input: NewCredentialInput,
      transact: Transact<CredentialWithPassword> = (work) => db.transaction(work),
    ): Promise<CredentialWithPassword> {
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
          return await transact(async (tx) => {
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
            return { credential: toSmtpCredential(row), password };
          });
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

    /**
     * A new password. With `keepPreviousForSeconds` the one it replaces keeps working that long (at most 7 days), and
     * its sessions go on; otherwise it stops at once with its sessions. A password older than that always stops.
     */
    async regeneratePassword(
      scope: Scope,
      id: string,
      options: { keepPreviousForSeconds?: number | undefined } = {},
    ): Promise<CredentialWithPassword> {
      const keep = parseField(keepPreviousForSecondsSchema, options.keepPreviousForSeconds, "keepPreviousForSeconds");
      const [current] = await db.select({ lookupId: t.lookupId }).from(t).where(byId(scope, id));
      if (!current) throw notFound("SMTP credential");
      const password = formatSmtpPassword(current.lookupId);
      const passwordHash = await hasher.hash(password);
      let dropped: string | undefined;
      const credential = await mutate(
        scope,
        "credential.password_regenerated",
        async (tx) => {
          const before = await lockedHashes(tx, scope, id);
          if (!before) return undefined;
          const now = new Date();
          dropped = keep > 0 ? livePreviousHash(before, now.getTime()) : undefined;
          const previous =
            keep > 0
              ? {
                  previousPasswordHash: before.passwordHash,
                  previousPasswordExpiresAt: new Date(now.getTime() + keep * 1000),
                }
              : { previousPasswordHash: null, previousPasswordExpiresAt: null };
          return (
            await tx
              .update(t)
              .set({ passwordHash, passwordChangedAt: now, ...previous })
              .where(byId(scope, id))
              .returning()
          )[0];
        },
        keep > 0 ? { keepPreviousForSeconds: keep } : undefined,
        keep > 0 ? () => endSessionsOf(id, dropped) : undefined,
      );
      return { credential, password };
    },

    /** Ends a rotation's overlap now: the previous password and its open sessions stop on every process. */
    endPreviousPassword(scope: Scope, id: string): Promise<SmtpCredential> {
      let ended: string | undefined;
      return mutate(
        scope,
        "credential.previous_password_ended",
        async (tx) => {
          const before = await lockedHashes(tx, scope, id);
          if (!before) return undefined;
          ended = before.previousPasswordHash ?? undefined;
          const cleared = { previousPasswordHash: null, previousPasswordExpiresAt: null };
          return (await tx.update(t).set(cleared).where(byId(scope, id)).returning())[0];
        },
        undefined,
        () => endSessionsOf(id, ended),
      );
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
