import { operatorScope, type RelayEvent } from "@relaypost/core";
import { createTestDatabase, startPgBouncer, type TestDatabase, testServerUrl } from "@relaypost/db/testing";
import { RawSmtpClient } from "@relaypost/smtp/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./testing";

/**
 * Two RelayPost processes behind PgBouncer in transaction mode, as docs/deploy.md describes: their queries go through
 * the pooler (DATABASE_URL), LISTEN goes straight to PostgreSQL (DATABASE_LISTEN_URL). What one process commits and
 * revokes must still reach the other at once. PostgreSQL only: PGlite has no network clients to pool.
 */
describe.skipIf(!testServerUrl)("two processes behind PgBouncer with a direct LISTEN connection", () => {
  let database: TestDatabase;
  let bouncer: Awaited<ReturnType<typeof startPgBouncer>>;
  let a: TestServer;
  let b: TestServer;
  let organizationId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.close();
    const direct = database.url ?? "";
    bouncer = await startPgBouncer(direct);
    const config = { DATABASE_LISTEN_URL: direct, SMTP_ALLOW_INSECURE_LOOPBACK_AUTH: true };
    a = await startTestServer({ databaseUrl: bouncer.pooled(direct), config });
    b = await startTestServer({ databaseUrl: bouncer.pooled(direct), config });
    ({
      organization: { id: organizationId },
    } = await a.core.organizations.create({
      name: "Pooled",
      owner: { email: "pooled-owner@example.com", password: "owner-password-123" },
    }));
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await bouncer?.stop();
    await database?.destroy();
  });

  const loginOn = async (server: TestServer, username: string, password: string) => {
    const client = await RawSmtpClient.connect(server.smtpPort);
    await client.command("EHLO app.example");
    return { client, reply: await client.authPlain(username, password) };
  };

  it("hands one process's login event to the other's live subscribers", async () => {
    const scope = operatorScope(organizationId, "test");
    const { credential, password } = await a.core.smtpCredentials.create(scope, { username: "pooled_app" });
    const heard = new Promise<RelayEvent>((resolve) => {
      const stop = b.bus.subscribeOrganization(organizationId, (event) => {
        if (event.type === "auth.succeeded" && event.credentialId === credential.id) {
          stop();
          resolve(event);
        }
      });
    });
    const { client, reply } = await loginOn(a, credential.username, password);
    expect(reply?.code).toBe(235);
    client.destroy();
    expect(await heard).toMatchObject({ type: "auth.succeeded", username: "pooled_app" });
  });

  it("closes a session open on one process when the credential is deactivated on the other", async () => {
    const scope = operatorScope(organizationId, "test");
    const { credential, password } = await b.core.smtpCredentials.create(scope, { username: "revoked_app" });
    const { client, reply } = await loginOn(b, credential.username, password);
    expect(reply?.code).toBe(235);
    await a.core.smtpCredentials.setActive(scope, credential.id, false);
    await client.whenClosed();
    expect((await loginOn(a, credential.username, password)).reply?.code).toBe(535);
  });

  it("sends queries through the pooler and keeps LISTEN on direct connections", async () => {
    const admin = postgres(bouncer.adminUrl, { max: 1, fetch_types: false, prepare: false, onnotice: () => {} });
    const direct = postgres(database.url ?? "", { max: 1, onnotice: () => {} });
    try {
      const name = new URL(database.url ?? "").pathname.slice(1);
      const stats = await admin.unsafe("SHOW STATS").simple();
      const ours = stats.find((row) => row.database === name);
      expect(Number(ours?.total_xact_count)).toBeGreaterThan(10);
      const listeners = await direct`
        select count(*)::int as n from pg_stat_activity
        where datname = ${name} and application_name = 'relaypost-listen' and query ilike 'listen%'`;
      expect(listeners[0]?.n).toBeGreaterThanOrEqual(2);
    } finally {
      await admin.end();
      await direct.end();
    }
  });
});
