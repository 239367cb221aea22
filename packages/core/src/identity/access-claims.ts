import { type Database, queryRows, schema } from "@relaypost/db";
import { inArray, sql } from "drizzle-orm";
import { grantColumns, grantHolds } from "../smtp-auth/grant";
import type { AccessRevocation } from "./revocation";
import type { Role } from "./roles";

/** What a live connection acts with, to be checked again while it stays open. */
export type AccessClaim =
  | CredentialClaim
  | { kind: "session"; sessionId: string }
  | { kind: "apiKey"; apiKeyId: string }
  | { kind: "member"; organizationId: string; userId: string; role: Role };

/** An SMTP session's login: the credential and the fingerprint of the password hash it was verified against. */
export interface CredentialClaim {
  kind: "credential";
  credentialId: string;
  hashFingerprint: string;
}

interface LapsedRow extends Record<string, unknown> {
  kind: Exclude<AccessClaim["kind"], "credential">;
  id: string | null;
  organizationId: string | null;
  userId: string | null;
}

/**
 * The claims that no longer hold, as the revocations that would have announced them: a session signed out or expired,
 * an API key revoked or gone, a membership removed or its role changed, a credential deactivated, deleted or given a
 * new password. One statement answers any number of claims of each family, so a process checks all its connections
 * with at most two round trips.
 */
export async function lapsedAccess(db: Database, claims: readonly AccessClaim[]): Promise<AccessRevocation[]> {
  const credentials = claims.filter((claim): claim is CredentialClaim => claim.kind === "credential");
  const others = claims.filter((claim): claim is Exclude<AccessClaim, CredentialClaim> => claim.kind !== "credential");
  const [lapsedCredentials, lapsedOthers] = await Promise.all([
    lapsedCredentialClaims(db, credentials),
    lapsedAccountClaims(db, others),
  ]);
  return [...lapsedCredentials, ...lapsedOthers];
}

async function lapsedCredentialClaims(db: Database, claims: CredentialClaim[]): Promise<AccessRevocation[]> {
  if (claims.length === 0) return [];
  const t = schema.smtpCredentials;
  const rows = await db
    .select({ id: t.id, ...grantColumns })
    .from(t)
    .where(inArray(t.id, [...new Set(claims.map((claim) => claim.credentialId))]));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return claims
    .filter((claim) => !grantHolds(claim, byId.get(claim.credentialId)))
    .map((claim) => ({ kind: "credential", credentialId: claim.credentialId, hashFingerprint: claim.hashFingerprint }));
}

/** An anti-join on primary keys per kind: the sessions, API keys and memberships that are gone or changed. */
async function lapsedAccountClaims(
  db: Database,
  claims: Exclude<AccessClaim, CredentialClaim>[],
): Promise<AccessRevocation[]> {
  if (claims.length === 0) return [];
  const sessionIds: string[] = [];
  const apiKeyIds: string[] = [];
  const memberships: Array<[string, string, Role]> = [];
  for (const claim of claims) {
    if (claim.kind === "session") sessionIds.push(claim.sessionId);
    else if (claim.kind === "apiKey") apiKeyIds.push(claim.apiKeyId);
    else memberships.push([claim.organizationId, claim.userId, claim.role]);
  }
  const rows = await queryRows<LapsedRow>(
    db,
    sql`select 'session' as kind, c.id::text as id, null as "organizationId", null as "userId"
          from jsonb_array_elements_text(${JSON.stringify(sessionIds)}::jsonb) as c(id)
          where not exists (select 1 from sessions s where s.id = c.id::uuid and s.expires_at > now())
        union all
        select 'apiKey', c.id::text, null, null
          from jsonb_array_elements_text(${JSON.stringify(apiKeyIds)}::jsonb) as c(id)
          where not exists (select 1 from api_keys k where k.id = c.id::uuid and k.revoked_at is null)
        union all
        select 'member', null, c.m->>0, c.m->>1
          from jsonb_array_elements(${JSON.stringify(memberships)}::jsonb) as c(m)
          where not exists (
            select 1 from memberships m
            where m.organization_id = (c.m->>0)::uuid and m.user_id = (c.m->>1)::uuid and m.role::text = c.m->>2)`,
  );
  return rows.map(toRevocation);
}

function toRevocation(row: LapsedRow): AccessRevocation {
  switch (row.kind) {
    case "session":
      return { kind: "session", sessionId: String(row.id) };
    case "apiKey":
      return { kind: "apiKey", apiKeyId: String(row.id) };
    case "member":
      return { kind: "member", organizationId: String(row.organizationId), userId: String(row.userId) };
  }
}
