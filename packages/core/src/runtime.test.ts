import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "./runtime";

describe("maintenance", () => {
  let database: TestDatabase;
  let runtime: Runtime;
  beforeAll(async () => {
    database = await createTestDatabase();
    runtime = await createRuntime(database);
  });
  afterAll(async () => {
    await runtime.close();
    await database.destroy();
  });

  it("deletes expired sessions and keeps live ones", async () => {
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
