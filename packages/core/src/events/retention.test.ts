import type { EventPayload } from "@relaypost/contract";
import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pruneEvents } from "./retention";
import { appendEvents, readEvents } from "./store";

describe("event retention", () => {
  let database: TestDatabase;
  let orgA: string;
  let orgB: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    const orgs = await database.db
      .insert(schema.organizations)
      .values([
        { name: "A", slug: "a" },
        { name: "B", slug: "b" },
      ])
      .returning();
    orgA = orgs[0]?.id ?? "";
    orgB = orgs[1]?.id ?? "";
  });
  afterAll(() => database.destroy());
  // Pruning spans every organization, so each test starts from an empty log rather than another test's leftovers.
  beforeEach(async () => {
    await database.db.delete(schema.events);
  });

  const login: EventPayload = { type: "auth.succeeded", data: { method: "PLAIN", tls: true } };
  const change = (type: "credential.created" | "credential.deactivated"): EventPayload => ({
    type,
    data: { actor: "admin", active: type === "credential.created" },
  });
  const event = (organizationId: string, username: string, payload: EventPayload = login) => ({
    organizationId,
    ...payload,
    credentialId: null,
    username,
    remoteAddress: null,
  });

  it("keeps each organization's newest events up to the bound and drops older ones", async () => {
    await database.db.transaction((tx) =>
      appendEvents(tx, [...Array.from({ length: 8 }, (_, i) => event(orgA, `a${i}`)), event(orgB, "b0")]),
    );
    const removed = await pruneEvents(database.db, {
      maxAgeMs: 60_000,
      maxPerOrganization: 3,
      maxRejectedPerOrganization: 3,
    });
    expect(removed).toBe(5);
    const left = await readEvents(database.db, { afterId: 0, limit: 100 });
    expect(left.map((e) => e.username)).toEqual(["a5", "a6", "a7", "b0"]);
  });

  it("drops events older than the age bound", async () => {
    await database.db.transaction((tx) => appendEvents(tx, [event(orgB, "fresh")]));
    await database.db
      .insert(schema.events)
      .values({ ...event(orgB, "ancient"), createdAt: new Date(Date.now() - 86_400_000) });
    await database.db
      .insert(schema.events)
      .values({ ...event(orgB, "recent"), createdAt: new Date(Date.now() - 1_800_000) });
    await pruneEvents(database.db, { maxAgeMs: 3_600_000, maxPerOrganization: 100, maxRejectedPerOrganization: 100 });
    const left = await readEvents(database.db, { afterId: 0, organizationId: orgB, limit: 100 });
    expect(left.map((e) => e.username)).toEqual(["fresh", "recent"]);
  });

  it("never evicts an organization's other events for refused logins, however many there are", async () => {
    const [org] = await database.db.insert(schema.organizations).values({ name: "C", slug: "c" }).returning();
    const orgC = org?.id ?? "";
    const real = [
      event(orgC, "created", change("credential.created")),
      event(orgC, "login"),
      event(orgC, "sent", {
        type: "message.accepted",
        data: { messageId: "m", size: 10, recipients: 1, status: "stored" },
      }),
      event(orgC, "deactivated", change("credential.deactivated")),
    ];
    const flood = Array.from({ length: 50 }, (_, i) =>
      event(orgC, `refused${i}`, {
        type: "auth.rejected",
        data: { reason: "bad_password", method: "PLAIN", tls: true },
      }),
    );
    await database.db.transaction((tx) => appendEvents(tx, [...real, ...flood]));
    const removed = await pruneEvents(database.db, {
      maxAgeMs: 3_600_000,
      maxPerOrganization: 4,
      maxRejectedPerOrganization: 10,
    });
    expect(removed).toBe(40);
    const left = await readEvents(database.db, { afterId: 0, organizationId: orgC, limit: 100 });
    expect(left.filter((e) => e.type !== "auth.rejected").map((e) => e.username)).toEqual(real.map((e) => e.username));
    expect(left.filter((e) => e.type === "auth.rejected").map((e) => e.username)).toEqual(
      flood.slice(-10).map((e) => e.username),
    );
  });
});
