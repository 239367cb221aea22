import { createDatabase, queryRows, schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase, testServerUrl } from "@relaypost/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventBus, type EventBus } from "./bus";
import { createEventPublisher } from "./publisher";
import { EVENTS_CHANNEL } from "./store";
import type { NewEvent, RelayEvent } from "./types";

/** Collects what a bus delivers; `until(n)` resolves once n events have arrived. */
function collector(bus: EventBus) {
  const events: RelayEvent[] = [];
  const waiters: Array<[number, () => void]> = [];
  bus.subscribe((event) => {
    events.push(event);
    for (const [count, resolve] of waiters) if (events.length >= count) resolve();
  });
  return {
    events,
    until: (count: number) =>
      events.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push([count, resolve])),
  };
}

describe("event bus and publisher", () => {
  let database: TestDatabase;
  let organizationId: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    const [org] = await database.db.insert(schema.organizations).values({ name: "Bus", slug: "bus" }).returning();
    organizationId = org?.id ?? "";
  });
  afterAll(() => database.destroy());

  const login = (i: number): NewEvent => ({
    organizationId,
    type: "auth.succeeded",
    credentialId: null,
    username: `user_${i}`,
    remoteAddress: "192.0.2.1",
  });

  it("delivers every published event once, in id order, in far fewer notifications than events", async () => {
    const bus = createEventBus(database);
    await bus.start();
    const seen = collector(bus);
    let notifications = 0;
    const unlisten = await database.listen(EVENTS_CHANNEL, () => {
      notifications++;
    });
    const publisher = createEventPublisher(database.db, { flushIntervalMs: 20 });
    for (let i = 0; i < 2_000; i++) publisher.publish(login(i));
    await publisher.flush();
    await seen.until(2_000);
    expect(seen.events.map((e) => e.username)).toEqual(Array.from({ length: 2_000 }, (_, i) => `user_${i}`));
    const ids = seen.events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    // Batches of up to 500 events: four or five notifications, not two thousand.
    expect(notifications).toBeLessThanOrEqual(10);
    await unlisten();
    await bus.stop();
  });

  it.skipIf(!testServerUrl)("recovers when every database connection is cut, losing no committed event", async () => {
    const bus = createEventBus(database, { pollIntervalMs: 200 });
    await bus.start();
    const seen = collector(bus);
    const errors: unknown[] = [];
    const publisher = createEventPublisher(database.db, { flushIntervalMs: 5, onError: (e) => errors.push(e) });
    const admin = createDatabase({ url: testServerUrl, maxConnections: 1 });
    const [{ name } = { name: "" }] = await queryRows<{ name: string }>(
      database.db,
      sql`select current_database() as name`,
    );

    for (let i = 0; i < 300; i++) publisher.publish(login(10_000 + i));
    await seen.until(50);
    // What a PostgreSQL restart does to clients: every session of this database ends at once.
    const killed = await queryRows(
      admin.db,
      sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`,
    );
    expect(killed.length).toBeGreaterThan(0);
    for (let i = 300; i < 600; i++) publisher.publish(login(10_000 + i));
    expect(await publisher.flush()).toBe(0);
    // The pool finds its cut connections on first use, as any request after an outage would; ask until it answers.
    let committed = 0;
    for (let attempt = 0; attempt < 5 && committed === 0; attempt++) {
      committed = await queryRows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from events where username like 'user_1____'`,
      ).then(
        (rows) => rows[0]?.n ?? 0,
        () => 0,
      );
    }
    await seen.until(committed);
    const delivered = seen.events.filter((e) => /^user_1\d{4}$/.test(e.username ?? ""));
    expect(delivered).toHaveLength(committed);
    expect(new Set(delivered.map((e) => e.id)).size).toBe(committed);
    expect(committed).toBeGreaterThanOrEqual(600);
    await admin.close();
    await bus.stop();
  });
});
