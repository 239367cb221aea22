import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RelayEvent } from "../events/types";
import { createDeliveryWorker, wakeForQueuedElsewhere } from "./delivery-worker";

const envelope = { id: 1, organizationId: "o", credentialId: null, username: null, remoteAddress: null };

function accepted(messageId: string, status: "queued" | "stored"): RelayEvent {
  return {
    ...envelope,
    createdAt: new Date(),
    type: "message.accepted",
    data: { messageId, size: 1, recipients: 1, status },
  };
}

describe("waking the delivery workers on a queued message's event", () => {
  function workersHolding(...held: string[]) {
    const wakes: string[] = [];
    const listener = wakeForQueuedElsewhere({
      holds: (id) => held.includes(id),
      wake: () => wakes.push("wake"),
    });
    return { wakes, listener };
  }

  it("wakes them for a message queued on another process", () => {
    const { wakes, listener } = workersHolding("mine");
    listener(accepted("theirs", "queued"));
    expect(wakes).toEqual(["wake"]);
  });

  it("does not wake them for a message they are already delivering, nor for one only stored", () => {
    const { wakes, listener } = workersHolding("mine");
    listener(accepted("mine", "queued"));
    listener(accepted("kept", "stored"));
    listener({
      ...envelope,
      createdAt: new Date(),
      type: "message.relayed",
      data: { messageId: "theirs", attempts: 1, reply: null, accepted: 1, refused: 0 },
    });
    expect(wakes).toEqual([]);
  });
});

describe("handing messages to this process's delivery workers at intake", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.destroy());

  it("leases as many messages as there are free slots (four per connection), for the lease's length, then none", async () => {
    const at = new Date("2030-01-01T00:00:00Z");
    const workers = createDeliveryWorker(
      { maxConnections: 2, leaseMs: 60_000, now: () => at },
      { db: database.db, loadUpstream: async () => undefined, onError: () => {} },
    );
    const lease = workers.handoff.reserve(100);
    expect(lease).toEqual({ token: expect.any(String), expiresAt: new Date("2030-01-01T00:01:00Z"), slots: 8 });
    expect(workers.handoff.reserve(1)).toBeUndefined();

    workers.handoff.handOver([], 3);
    expect(workers.handoff.reserve(5)?.slots).toBe(3);
    await workers.stop();
  });
});
