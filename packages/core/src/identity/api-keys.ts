import { type Database, schema } from "@relaypost/db";
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { Actor } from "../actor";
import { recordAudit } from "../audit/audit-log";
import { DomainError, notFound } from "../errors";
import type { Transact } from "../idempotency/idempotency";
import { generateApiKeyToken, hashToken } from "../tokens";
import { announceRevocation } from "./revocation";
import { assertMayGrant, type Role, type RoleScope } from "./roles";

export type ApiKeyRole = Extract<Role, "admin" | "viewer">;

export interface ApiKey {
  id: string;
  name: string;
  role: ApiKeyRole;
  /** The first characters of the token, enough to recognize it, never enough to use it. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface ResolvedApiKey {
  id: string;
  name: string;
  organizationId: string;
  role: ApiKeyRole;
}

const t = schema.apiKeys;
/** last_used_at is written at most this often per key, so busy services do not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

const columns = {
  id: t.id,
  name: t.name,
  role: t.role,
  prefix: t.prefix,
  createdAt: t.createdAt,
  lastUsedAt: t.lastUsedAt,
  revokedAt: t.revokedAt,
};

function validateName(name: string) {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 100) {
    throw new DomainError("BAD_REQUEST", "Name must be 1–100 characters", "name");
  }
  return trimmed;
}

export async function createApiKey(
  db: Database,
  scope: RoleScope,
  input: { name: string; role: ApiKeyRole },
  transact: Transact<{ apiKey: ApiKey; token: string }> = (work) => db.transaction(work),
): Promise<{ apiKey: ApiKey; token: string }> {
  const { organizationId, actor } = scope;
  assertMayGrant(scope.role, input.role);
  const name = validateName(input.name);
  const token = generateApiKeyToken();
  return transact(async (tx) => {
    const [row] = await tx
      .insert(t)
      .values({
        organizationId,
        name,
        role: input.role,
        tokenHash: hashToken(token),
        prefix: token.slice(0, 12),
        createdBy: actor.type === "user" ? actor.id : null,
      })
      .returning(columns);
    if (!row) throw new Error("insert returned no row");
    const apiKey = row as ApiKey;
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "api_key.created",
      targetType: "api_key",
      targetId: apiKey.id,
      targetLabel: name,
      metadata: { role: input.role },
    });
    return { apiKey, token };
  });
}

export async function listApiKeys(db: Database, organizationId: string): Promise<ApiKey[]> {
  const rows = await db.select(columns).from(t).where(eq(t.organizationId, organizationId)).orderBy(desc(t.createdAt));
  return rows as ApiKey[];
}

export async function revokeApiKey(db: Database, organizationId: string, actor: Actor, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(t)
      .set({ revokedAt: new Date() })
      .where(and(eq(t.id, id), eq(t.organizationId, organizationId), isNull(t.revokedAt)))
      .returning({ id: t.id, name: t.name });
    if (!row) throw notFound("API key");
    await announceRevocation(tx, { kind: "apiKey", apiKeyId: row.id });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "api_key.revoked",
      targetType: "api_key",
      targetId: row.id,
      targetLabel: row.name,
    });
  });
}

/** The live (unrevoked) key a bearer token belongs to, recording its use. */
export async function resolveApiKey(db: Database, token: string): Promise<ResolvedApiKey | undefined> {
  const [row] = await db
    .select({ id: t.id, name: t.name, organizationId: t.organizationId, role: t.role, lastUsedAt: t.lastUsedAt })
    .from(t)
    .where(and(eq(t.tokenHash, hashToken(token)), isNull(t.revokedAt)));
  if (!row) return undefined;
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    await db
      .update(t)
      .set({ lastUsedAt: now })
      .where(and(eq(t.id, row.id), or(isNull(t.lastUsedAt), lt(t.lastUsedAt, stale))));
  }
  return { id: row.id, name: row.name, organizationId: row.organizationId, role: row.role as ApiKeyRole };
}
