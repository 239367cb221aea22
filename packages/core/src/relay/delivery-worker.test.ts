import { describe, expect, it } from "vitest";
import type { RelayEvent } from "../events/types";
import { wakeForQueuedElsewhere } from "./delivery-worker";

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
