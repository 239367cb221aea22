import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventBus, type EventBus } from "./bus";
import { appendEvents } from "./store";
import { loginEvent, newOrganization, usernames } from "./test-support";
import type { RelayEvent } from "./types";

/** Never fires within a test: what the bus delivers, it delivers for a notification or an offer. */
const NO_POLL = 60 * 60 * 1000;

/** The organization's events as `bus` delivers them; `until(n)` resolves once n have arrived. */
function delivered(bus: EventBus, organizationId: string) {
  const events: RelayEvent[] = [];
  let waiter: [number, () => void] | undefined;
  const stop = bus.subscribeOrganization(organizationId, (event) => {
    events.push(event);
    if (waiter && events.length >= waiter[0]) waiter[1]();
  });
  return {
    events,
    until: (count: number) =>
      events.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiter = [count, resolve];
          }),
    stop,
  };
}

describe("event bus reads from the table", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.destroy());

  it("reads a batch its notification announced only by its last id at once, without waiting for the poll", async () => {
    const organizationId = await newOrganization(database);
    const bus = createEventBus(database, { pollIntervalMs: NO_POLL });
    await bus.start();
    const seen = delivered(bus, organizationId);
    // Too large to travel in the notification.
    const batch = Array.from({ length: 100 }, (_, i) => loginEvent(organizationId, `user_${i}`));

    const written = await appendEvents(database.db, batch);
    await seen.until(100);

    expect(seen.events).toEqual(written);
    await bus.stop();
  });

  it("catching up delivers every event committed without a notification, past a full read, before it resolves", async () => {
    const organizationId = await newOrganization(database);
    const bus = createEventBus(database, { pollIntervalMs: NO_POLL });
    await bus.start();
    const seen = delivered(bus, organizationId);
    await database.db.execute(
      sql`insert into events (organization_id, type, username)
        select ${organizationId}::uuid, 'auth.succeeded', 'user_' || n from generate_series(1, 1001) as n`,
    );

    await bus.catchUp();

    expect(usernames(seen.events)).toEqual(Array.from({ length: 1001 }, (_, i) => `user_${i + 1}`));
    expect(bus.lastSeenId).toBe(seen.events.at(-1)?.id);
    await bus.stop();
  });

  it("reads the table when a notified batch does not continue from the last event delivered, keeping id order", async () => {
    const organizationId = await newOrganization(database);
    const bus = createEventBus(database, { pollIntervalMs: NO_POLL });
    await bus.start();
    const seen = delivered(bus, organizationId);
    await database.db.insert(schema.events).values({ organizationId, type: "auth.succeeded", username: "unannounced" });

    await appendEvents(database.db, [loginEvent(organizationId, "announced")]);
    await seen.until(2);

    expect(usernames(seen.events)).toEqual(["unannounced", "announced"]);
    await bus.stop();
  });

  it("delivers on its poll an event that came without a notification", async () => {
    const organizationId = await newOrganization(database);
    const bus = createEventBus(database, { pollIntervalMs: 20 });
    await bus.start();
    const seen = delivered(bus, organizationId);

    await database.db.insert(schema.events).values({ organizationId, type: "auth.succeeded", username: "unannounced" });
    await seen.until(1);

    expect(usernames(seen.events)).toEqual(["unannounced"]);
    await bus.stop();
  });
});

describe("event bus on a database that went away", () => {
  it("reports the failed read to onError, and catching up still resolves", async () => {
    const database = await createTestDatabase();
    const errors: unknown[] = [];
    const reporting = createEventBus(database, { pollIntervalMs: NO_POLL, onError: (error) => errors.push(error) });
    const silent = createEventBus(database, { pollIntervalMs: NO_POLL });
    await reporting.start();
    await silent.start();
    await database.destroy();

    await reporting.catchUp();
    await silent.catchUp();

    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(Error);
    await reporting.stop();
    await silent.stop();
  });
});
