import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { createPasswordHasher } from "../hashing";
import { createCredentialLifecycle } from "./lifecycle";
import { loginActivity } from "./login-activity";
import { newScope } from "./test-support";

describe("a credential's login activity", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.destroy());

  const now = new Date("2030-03-10T12:00:00Z");

  async function credentialIn() {
    const scope = await newScope(database);
    const { credential } = await createCredentialLifecycle(database.db, createPasswordHasher()).create(scope, {});
    return { scope, credential };
  }

  const login = (organizationId: string, credentialId: string, at: string, type: string, count?: number) => ({
    organizationId,
    credentialId,
    type,
    data: { method: "PLAIN", tls: true, ...(type === "auth.rejected" ? { reason: "bad_password" } : {}), count },
    createdAt: new Date(at),
  });

  it("counts accepted and refused logins per UTC day over the last 7 days, a summarized refusal as its count", async () => {
    const { scope, credential } = await credentialIn();
    const other = await credentialIn();
    const org = scope.organizationId;
    await database.db.insert(schema.events).values([
      login(org, credential.id, "2030-03-10T00:00:00Z", "auth.succeeded"),
      login(org, credential.id, "2030-03-10T11:59:00Z", "auth.succeeded"),
      login(org, credential.id, "2030-03-10T09:00:00Z", "auth.rejected"),
      login(org, credential.id, "2030-03-10T09:01:00Z", "auth.rejected", 5),
      login(org, credential.id, "2030-03-09T23:59:59Z", "auth.succeeded"),
      login(org, credential.id, "2030-03-04T00:00:00Z", "auth.rejected"),
      // Before the first day, another credential, and not a login: none counted.
      login(org, credential.id, "2030-03-03T23:59:59Z", "auth.succeeded"),
      login(other.scope.organizationId, other.credential.id, "2030-03-10T10:00:00Z", "auth.succeeded"),
      { ...login(org, credential.id, "2030-03-10T10:00:00Z", "message.accepted"), data: {} },
    ]);
    const { days } = await loginActivity(database.db, org, credential.id, now);
    expect(days).toEqual([
      { day: "2030-03-04", accepted: 0, refused: 1 },
      { day: "2030-03-05", accepted: 0, refused: 0 },
      { day: "2030-03-06", accepted: 0, refused: 0 },
      { day: "2030-03-07", accepted: 0, refused: 0 },
      { day: "2030-03-08", accepted: 0, refused: 0 },
      { day: "2030-03-09", accepted: 1, refused: 0 },
      { day: "2030-03-10", accepted: 2, refused: 6 },
    ]);
  });

  it("is not found for another organization's credential", async () => {
    const { credential } = await credentialIn();
    const stranger = await newScope(database);
    await expect(loginActivity(database.db, stranger.organizationId, credential.id, now)).rejects.toBeInstanceOf(
      DomainError,
    );
  });
});
