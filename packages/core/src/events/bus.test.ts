import type { LoginData } from "@relaypost/contract";
import { createDatabase, queryRows, schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase, testServerUrl } from "@relaypost/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventBus, type EventBus } from "./bus";
import { MAX_PAYLOAD_BYTES, readNotification } from "./notification";
import { createEventPublisher } from "./publisher";
import { appendEvents, EVENTS_CHANNEL, readEvents } from "./store";
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

/** Raw NOTIFY payloads on the events channel, as another process would receive them. */
async function payloads(database: TestDatabase) {
  const received: string[] = [];
  const waiting: Array<(payload: string) => void> = [];
  const unlisten = await database.listen(EVENTS_CHANNEL, (payload) => {
    const waiter = waiting.shift();
    if (waiter) waiter(payload);
    else received.push(payload);
  });
  return {
    /** The next notification: one already received, or the first to arrive. */
    next(): Promise<string> {
      const payload = received.shift();
      if (payload !== undefined) return Promise.resolve(payload);
      return new Promise((resolve) => waiting.push(resolve));
    },
    unlisten,
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

  const login = (i: number, data: LoginData = { method: "PLAIN", tls: false }): NewEvent => ({
    organizationId,
    type: "auth.succeeded",
    credentialId: null,
    username: `user_${i}`,
    data,
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

  it("carries a small batch inside its notification, exactly as the table holds it", async () => {
    const channel = await payloads(database);
    const written = await appendEvents(database.db, [login(1), login(2, { method: "LOGIN", tls: true })]);
    const payload = await channel.next();
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const firstId = written[0]?.id ?? 0;
    const stored = await readEvents(database.db, { afterId: firstId - 1, limit: 2 });
    expect(readNotification(payload).events()).toEqual(stored);
    expect(written).toEqual(stored);
    await channel.unlisten();
  });

  it("sends only the last id of a batch too large for one notification, and the bus reads it from the table", async () => {
    const bus = createEventBus(database);
    await bus.start();
    const seen = collector(bus);
    const channel = await payloads(database);
    // As large as the publisher's largest batch.
    const batch = Array.from({ length: 500 }, (_, i) => login(20_000 + i));
    const written = await appendEvents(database.db, batch);
    const payload = await channel.next();
    expect(payload).toBe(String(written.at(-1)?.id));
    expect(readNotification(payload).events()).toBeUndefined();
    await seen.until(500);
    expect(seen.events.map((e) => e.username)).toEqual(batch.map((e) => e.username));
    await channel.unlisten();
    await bus.stop();
  });

  it("delivers past an id that a rolled-back transaction drew, in order and without a stall", async () => {
    const bus = createEventBus(database, { pollIntervalMs: 60_000 });
    await bus.start();
    const seen = collector(bus);
    await database.db
      .transaction(async (tx) => {
        await appendEvents(tx, [login(30_000)]);
        throw new Error("roll back");
      })
      .catch(() => {});
    await appendEvents(database.db, [login(30_001)]);
    await appendEvents(database.db, [login(30_002), login(30_003)]);
    await seen.until(3);
    expect(seen.events.map((e) => e.username)).toEqual(["user_30001", "user_30002", "user_30003"]);
    await bus.stop();
  });

  it("hands a committed batch that continues its stream to listeners at once, and ignores one it has delivered", async () => {
    const bus = createEventBus(database, { pollIntervalMs: 60_000 });
    await bus.start();
    const seen = collector(bus);
    const next: RelayEvent = { ...login(40_000), id: bus.lastSeenId + 1, createdAt: new Date() };
    bus.offer([next]);
    // Synchronously: no read from the table, no wait for a notification.
    expect(seen.events).toEqual([next]);
    bus.offer([next]);
    expect(seen.events).toHaveLength(1);
    await bus.stop();
  });

  it("offers an organization's events only to that organization's subscriptions", async () => {
    const [other] = await database.db.insert(schema.organizations).values({ name: "Other", slug: "other" }).returning();
    const bus = createEventBus(database);
    await bus.start();
    const ours: RelayEvent[] = [];
    const theirs: RelayEvent[] = [];
    const all = collector(bus);
    bus.subscribeOrganization(organizationId, (event) => ours.push(event));
    const stop = bus.subscribeOrganization(other?.id ?? "", (event) => theirs.push(event));
    await appendEvents(database.db, [
      login(50_000),
      { ...login(50_001), organizationId: other?.id ?? "" },
      login(50_002),
    ]);
    await all.until(3);
    expect(ours.map((e) => e.username)).toEqual(["user_50000", "user_50002"]);
    expect(theirs.map((e) => e.username)).toEqual(["user_50001"]);
    stop();
    await appendEvents(database.db, [{ ...login(50_003), organizationId: other?.id ?? "" }]);
    await all.until(4);
    expect(theirs).toHaveLength(1);
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
