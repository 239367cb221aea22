import { randomUUID } from "node:crypto";
import { type Database, schema } from "@relaypost/db";
import { and, eq, ne } from "drizzle-orm";
import { recordAudit } from "../audit/audit-log";
import { DomainError } from "../errors";
import { type RoleScope, roleAllows } from "../identity/roles";
import type { Keyring, SealedSecret } from "../secret-box";
import { SecretUnavailableError } from "../secret-box";
import { Upstream, type UpstreamTls } from "./upstream";
import { checkUpstream, type UpstreamCheck } from "./upstream-client";

const t = schema.organizationUpstreams;
type Row = typeof t.$inferSelect;

/** An organization's upstream as members see it: everything but the password, of which only its presence shows. */
export interface OrganizationUpstreamView {
  host: string;
  port: number;
  tls: UpstreamTls;
  tlsVerify: boolean;
  username: string | null;
  passwordSet: boolean;
  updatedAt: Date;
}

export interface UpstreamInput {
  host: string;
  port: number;
  tls: UpstreamTls;
  tlsVerify: boolean;
  /** null: the upstream takes mail without a login (and any stored password goes). */
  username: string | null;
  /** A new password; absent keeps the stored one, so editing the host needs no retyping. */
  password?: string | undefined;
}

/** What the organization's mail goes to: its own upstream, or else whether the server has a default. */
export interface UpstreamSettingsView {
  own: OrganizationUpstreamView | null;
  serverDefault: boolean;
  /** Whether this server can store an upstream password (RELAYPOST_SECRET_KEY is set). */
  canStorePasswords: boolean;
}

export const MISSING_KEY_MESSAGE =
  "This server cannot store upstream passwords: set RELAYPOST_SECRET_KEY (32 bytes in base64, e.g. openssl rand -base64 32) and restart it";

const viewOf = (row: Row): OrganizationUpstreamView => ({
  host: row.host,
  port: row.port,
  tls: row.tls as UpstreamTls,
  tlsVerify: row.tlsVerify,
  username: row.username,
  passwordSet: row.passwordCiphertext !== null,
  updatedAt: row.updatedAt,
});

const sealedOf = (row: Row): SealedSecret | undefined =>
  row.passwordCiphertext && row.passwordIv && row.passwordTag && row.passwordKeyId
    ? { ciphertext: row.passwordCiphertext, iv: row.passwordIv, tag: row.passwordTag, keyId: row.passwordKeyId }
    : undefined;

const sealedColumns = (sealed: SealedSecret | undefined) => ({
  passwordCiphertext: sealed?.ciphertext ?? null,
  passwordIv: sealed?.iv ?? null,
  passwordTag: sealed?.tag ?? null,
  passwordKeyId: sealed?.keyId ?? null,
});

function assertOwner(scope: RoleScope): void {
  if (!roleAllows(scope.role, "owner")) {
    throw new DomainError("FORBIDDEN", "Only owners can change the organization's upstream");
  }
}

export async function getUpstreamSettings(
  db: Database,
  organizationId: string,
  context: { serverDefault: boolean; canStorePasswords: boolean },
): Promise<UpstreamSettingsView> {
  const [row] = await db.select().from(t).where(eq(t.organizationId, organizationId));
  return { own: row ? viewOf(row) : null, ...context };
}

/**
 * Sets the organization's upstream (owners only), sealing a new password with the server key; audited without the
 * password. Mail claimed for delivery after this commits goes there, including mail accepted before but not yet
 * delivered; mail already `stored` stays stored.
 */
export async function setOrganizationUpstream(
  db: Database,
  keyring: Keyring | undefined,
  scope: RoleScope,
  input: UpstreamInput,
): Promise<OrganizationUpstreamView> {
  assertOwner(scope);
  if (!keyring) throw new DomainError("BAD_REQUEST", MISSING_KEY_MESSAGE);
  const { organizationId } = scope;
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(t).where(eq(t.organizationId, organizationId)).for("update");
    let sealed: SealedSecret | undefined;
    if (input.username === null) sealed = undefined;
    else if (input.password !== undefined) sealed = keyring.seal(input.password, organizationId);
    else sealed = existing ? sealedOf(existing) : undefined;
    if (input.username !== null && !sealed) {
      throw new DomainError("BAD_REQUEST", "A login needs a password", "password");
    }
    const values = {
      host: input.host,
      port: input.port,
      tls: input.tls,
      tlsVerify: input.tlsVerify,
      username: input.username,
      ...sealedColumns(sealed),
      version: randomUUID(),
      updatedAt: new Date(),
    };
    const [row] = await tx
      .insert(t)
      .values({ organizationId, ...values })
      .onConflictDoUpdate({ target: t.organizationId, set: values })
      .returning();
    if (!row) throw new Error("upsert returned no row");
    await recordAudit(tx, {
      organizationId,
      actor: scope.actor,
      action: "upstream.updated",
      targetType: "organization",
      targetId: organizationId,
      targetLabel: `${input.host}:${input.port}`,
      metadata: {
        host: input.host,
        port: input.port,
        tls: input.tls,
        tlsVerify: input.tlsVerify,
        username: input.username,
        passwordChanged: input.username !== null && input.password !== undefined,
      },
    });
    return viewOf(row);
  });
}

/** Removes the organization's upstream (owners only): its mail goes to the server's default again, or is stored. */
export async function clearOrganizationUpstream(db: Database, scope: RoleScope): Promise<{ cleared: boolean }> {
  assertOwner(scope);
  return db.transaction(async (tx) => {
    const gone = await tx.delete(t).where(eq(t.organizationId, scope.organizationId)).returning({ host: t.host });
    if (gone.length === 0) return { cleared: false };
    await recordAudit(tx, {
      organizationId: scope.organizationId,
      actor: scope.actor,
      action: "upstream.cleared",
      targetType: "organization",
      targetId: scope.organizationId,
    });
    return { cleared: true };
  });
}

/** The upstream an organization's mail goes to, opened for use, with the version its row carries; none → undefined. */
export async function loadOrganizationUpstream(
  db: Database,
  keyring: Keyring | undefined,
  organizationId: string,
): Promise<{ version: string; upstream: Upstream } | undefined> {
  const [row] = await db.select().from(t).where(eq(t.organizationId, organizationId));
  if (!row) return undefined;
  const sealed = sealedOf(row);
  let password: string | undefined;
  if (sealed) {
    if (!keyring) throw new DomainError("BAD_REQUEST", MISSING_KEY_MESSAGE);
    password = keyring.open(sealed, organizationId);
  }
  const settings = {
    host: row.host,
    port: row.port,
    tls: row.tls as UpstreamTls,
    tlsVerify: row.tlsVerify,
    user: row.username ?? undefined,
  };
  return { version: row.version, upstream: new Upstream(settings, password) };
}

/**
 * Seals again, under the current key, every upstream password sealed under an older one (after a rotation), so the
 * previous key can be retired; returns how many. The row's version stays: the password itself did not change.
 */
export async function resealUpstreamPasswords(db: Database, keyring: Keyring): Promise<number> {
  const rows = await db.select().from(t).where(ne(t.passwordKeyId, keyring.currentKeyId));
  let resealed = 0;
  for (const row of rows) {
    const sealed = sealedOf(row);
    if (!sealed) continue;
    const fresh = keyring.seal(keyring.open(sealed, row.organizationId), row.organizationId);
    await db
      .update(t)
      .set(sealedColumns(fresh))
      // Only the row as read: a password set meanwhile must not be overwritten with the old one.
      .where(and(eq(t.organizationId, row.organizationId), eq(t.version, row.version)));
    resealed += 1;
  }
  return resealed;
}

/** A test connection's answer, and which upstream it tried. */
export type UpstreamTestResult = UpstreamCheck & { target: "organization" | "server" | "none" };

/**
 * "Test connection": connects as delivery would to the organization's upstream, or to the server's default when it
 * has none, and reports the upstream's greeting or AUTH reply when it refuses. A password that cannot be opened is
 * reported as the configuration stage.
 */
export async function testOrganizationUpstream(
  db: Database,
  keyring: Keyring | undefined,
  serverDefault: Upstream | undefined,
  organizationId: string,
): Promise<UpstreamTestResult> {
  let own: Awaited<ReturnType<typeof loadOrganizationUpstream>>;
  try {
    own = await loadOrganizationUpstream(db, keyring, organizationId);
  } catch (error) {
    if (error instanceof SecretUnavailableError || error instanceof DomainError) {
      return { ok: false, stage: "configuration", reply: error.message, target: "organization" };
    }
    throw error;
  }
  const upstream = own?.upstream ?? serverDefault;
  if (!upstream) return { ok: false, stage: "configuration", reply: "no upstream configured", target: "none" };
  return { ...(await checkUpstream(upstream)), target: own ? "organization" : "server" };
}
