import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventPublisher } from "./publisher";
import { readEvents } from "./store";
import { loginEvent, newOrganization, usernames } from "./test-support";
import type { RelayEvent } from "./types";

/** Never fires within a test: a batch is written only when full or flushed. */
const NO_TIMER = { flushIntervalMs: 60 * 60 * 1000 };

describe("event publisher", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.destroy());

  const stored = (organizationId: string) => readEvents(database.db, { afterId: 0, organizationId, limit: 100 });

  it("keeps only the newest maxBuffered events, counting those it dropped, and writes the ones it kept", async () => {
    const organizationId = await newOrganization(database);
    const publisher = createEventPublisher(database.db, { ...NO_TIMER, maxBuffered: 3 });
    for (const name of ["1", "2", "3"]) publisher.publish(loginEvent(organizationId, name));
    expect(publisher.stats()).toEqual({ buffered: 3, dropped: 0 });
    for (const name of ["4", "5"]) publisher.publish(loginEvent(organizationId, name));
    expect(publisher.stats()).toEqual({ buffered: 3, dropped: 2 });

    expect(await publisher.flush()).toBe(0);

    expect(usernames(await stored(organizationId))).toEqual(["3", "4", "5"]);
    expect(publisher.stats()).toEqual({ buffered: 0, dropped: 2 });
  });

  it("writes a batch as soon as it is full, without waiting for the flush interval", async () => {
    const organizationId = await newOrganization(database);
    let onCommitted: (events: RelayEvent[]) => void = () => {};
    const committed = new Promise<RelayEvent[]>((resolve) => {
      onCommitted = resolve;
    });
    const publisher = createEventPublisher(database.db, { ...NO_TIMER, maxBatch: 2, onCommitted });
    publisher.publish(loginEvent(organizationId, "1"));
    publisher.publish(loginEvent(organizationId, "2"));

    const batch = await committed;

    expect(batch).toEqual(await stored(organizationId));
    expect(usernames(batch)).toEqual(["1", "2"]);
    expect(await publisher.flush()).toBe(0);
  });

  it("reports a fault of the committed-batch listener and does not write that batch again", async () => {
    const organizationId = await newOrganization(database);
    const fault = new Error("listener broke");
    const errors: unknown[] = [];
    const batches: RelayEvent[][] = [];
    const publisher = createEventPublisher(database.db, {
      ...NO_TIMER,
      onError: (error) => errors.push(error),
      onCommitted: (events) => {
        batches.push(events);
        throw fault;
      },
    });
    publisher.publish(loginEvent(organizationId, "once"));

    expect(await publisher.flush()).toBe(0);

    expect(errors).toEqual([fault]);
    expect(batches.map(usernames)).toEqual([["once"]]);
    expect(usernames(await stored(organizationId))).toEqual(["once"]);
  });

  it("writes without a committed-batch listener and reports no fault", async () => {
    const organizationId = await newOrganization(database);
    const errors: unknown[] = [];
    const publisher = createEventPublisher(database.db, { ...NO_TIMER, onError: (error) => errors.push(error) });
    publisher.publish(loginEvent(organizationId, "quiet"));

    expect(await publisher.flush()).toBe(0);

    expect(errors).toEqual([]);
    expect(usernames(await stored(organizationId))).toEqual(["quiet"]);
  });

  it("keeps a listener's fault from failing the flush when no one takes faults", async () => {
    const organizationId = await newOrganization(database);
    const publisher = createEventPublisher(database.db, {
      ...NO_TIMER,
      onCommitted: () => {
        throw new Error("listener broke");
      },
    });
    publisher.publish(loginEvent(organizationId, "unheard"));

    expect(await publisher.flush()).toBe(0);

    expect(usernames(await stored(organizationId))).toEqual(["unheard"]);
  });
});
