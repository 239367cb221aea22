import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "./runtime";
import { newScope, storedRow } from "./smtp-credentials/test-support";

/** A fresh database and the runtime on it for the enclosing describe; read its fields inside the tests. */
function useRuntime() {
  const fixture = {} as { database: TestDatabase; runtime: Runtime };
  beforeAll(async () => {
    fixture.database = await createTestDatabase();
    fixture.runtime = await createRuntime(fixture.database);
  });
  afterAll(async () => {
    await fixture.runtime.close();
    await fixture.database.destroy();
  });
  return fixture;
}

describe("maintenance", () => {
  const fixture = useRuntime();

  it("deletes expired sessions and keeps live ones", async () => {
    const { database, runtime } = fixture;
    const { core } = runtime;
    const user = await core.users.create({ email: "maintained@example.com", password: "maintained-password" });
    await core.sessions.create(user.id);
    // This database is the test's own: every session so far expires.
    await database.db.update(schema.sessions).set({ expiresAt: new Date(Date.now() - 60_000) });
    const live = await core.sessions.create(user.id);

    await runtime.runMaintenance();

    const left = await database.db.select({ id: schema.sessions.id }).from(schema.sessions);
    expect(left).toEqual([{ id: (await core.sessions.resolve(live.token))?.sessionId }]);
  });
});

describe("a credential's answers and a login not yet written", () => {
  const fixture = useRuntime();

  it("carry the login's time, announced at once, before the recorder writes it", async () => {
    const { database, runtime } = fixture;
    const { core, lastUsed } = runtime;
    const scope = await newScope(database);
    const { credential } = await core.smtpCredentials.create(scope, { description: "fresh" });
    const login = new Date("2030-01-01T00:00:00Z");
    lastUsed.record(credential.id, { remoteAddress: "203.0.113.7", method: "LOGIN" }, login);

    const [deactivated, updated, listed, read] = [
      await core.smtpCredentials.setActive(scope, credential.id, false),
      await core.smtpCredentials.update(scope, credential.id, { description: "renamed" }),
      await core.smtpCredentials.list(scope.organizationId, { limit: 10 }),
      await core.smtpCredentials.get(scope.organizationId, credential.id),
    ];
    const regenerated = await core.smtpCredentials.regeneratePassword(scope, credential.id);
    expect([deactivated, updated, listed.items[0], read, regenerated.credential].map((c) => c?.lastUsedAt)).toEqual(
      Array(5).fill(login),
    );

    const lastLogin = { at: login, remoteAddress: "203.0.113.7", method: "LOGIN" };
    expect(read.lastLogin).toEqual(lastLogin);

    await lastUsed.flush();
    expect((await storedRow(database, credential.id)).lastUsedAt).toEqual(login);
    const written = await core.smtpCredentials.get(scope.organizationId, credential.id);
    expect([written.lastUsedAt, written.lastLogin]).toEqual([login, lastLogin]);
  });
});
