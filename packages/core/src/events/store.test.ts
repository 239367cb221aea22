import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendEvents, readEvents, recentEvents } from "./store";
import { loginEvent, newOrganization, refusalEvent, usernames } from "./test-support";

describe("events table", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.destroy());

  it("appends nothing for an empty batch and answers no events", async () => {
    const organizationId = await newOrganization(database);
    expect(await appendEvents(database.db, [])).toEqual([]);
    expect(await readEvents(database.db, { afterId: 0, organizationId, limit: 10 })).toEqual([]);
  });

  it("reads only the types asked for, after the given id", async () => {
    const organizationId = await newOrganization(database);
    const [first] = await appendEvents(database.db, [
      refusalEvent(organizationId, "skipped"),
      loginEvent(organizationId, "login"),
      refusalEvent(organizationId, "refusal"),
    ]);
    const read = await readEvents(database.db, {
      afterId: first?.id ?? 0,
      organizationId,
      types: ["auth.rejected"],
      limit: 10,
    });
    expect(usernames(read)).toEqual(["refusal"]);
  });

  it("answers recent events of the types asked for, resuming from the organization's newest event of any type", async () => {
    const organizationId = await newOrganization(database);
    const emptyId = await newOrganization(database);
    const written = await appendEvents(database.db, [
      loginEvent(organizationId, "login"),
      refusalEvent(organizationId, "refusal"),
    ]);
    const recent = await recentEvents(database.db, { organizationId, types: ["auth.succeeded"], limit: 10 });
    expect(recent).toEqual({ events: [written[0]], resumeFrom: written[1]?.id });
    expect(await recentEvents(database.db, { organizationId: emptyId, limit: 10 })).toEqual({
      events: [],
      resumeFrom: 0,
    });
  });
});
