import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { systemActor } from "../actor";
import { createCore } from "../core";
import { createPasswordHasher, type PasswordHasher } from "../hashing";
import type { Core } from "../services";
import type { SmtpGrant } from "./grant";
import { createSmtpVerifier } from "./verifier";

/** A real database with one organization, and a counting hasher so tests can see how often argon2 ran. */
export interface SmtpAuthFixture {
  database: TestDatabase;
  core: Core;
  hasher: PasswordHasher & { verifications: number };
  organizationId: string;
  createCredential(username?: string): Promise<{ id: string; username: string; password: string }>;
}

export async function createSmtpAuthFixture(): Promise<SmtpAuthFixture> {
  const database = await createTestDatabase();
  const inner = createPasswordHasher();
  const hasher = {
    verifications: 0,
    concurrency: inner.concurrency,
    hash: inner.hash,
    verify(passwordHash: string, password: string) {
      hasher.verifications++;
      return inner.verify(passwordHash, password);
    },
    dummyVerify(password: string) {
      hasher.verifications++;
      return inner.dummyVerify(password);
    },
  };
  const core = createCore({ db: database.db, hasher });
  const [organization] = await database.db
    .insert(schema.organizations)
    .values({ name: "Acme", slug: `acme-${Math.random().toString(36).slice(2, 10)}` })
    .returning();
  if (!organization) throw new Error("insert returned no row");
  const scope = { organizationId: organization.id, actor: systemActor("test") };
  return {
    database,
    core,
    hasher,
    organizationId: organization.id,
    async createCredential(username) {
      const { credential, password } = await core.smtpCredentials.create(scope, { username });
      return { id: credential.id, username: credential.username, password };
    },
  };
}

export const testScope = (fixture: SmtpAuthFixture) => ({
  organizationId: fixture.organizationId,
  actor: systemActor("test"),
});

/** A fresh credential and the grant a successful SMTP login with it gives. */
export async function loggedIn(fixture: SmtpAuthFixture): Promise<{ id: string; grant: SmtpGrant }> {
  const credential = await fixture.createCredential();
  const verifier = createSmtpVerifier({ db: fixture.database.db, hasher: fixture.hasher });
  const result = await verifier.verify({ username: credential.username, password: credential.password });
  if (!result.ok) throw new Error("login failed");
  return { id: credential.id, grant: result.grant };
}
