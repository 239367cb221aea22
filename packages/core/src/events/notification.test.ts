import { describe, expect, it } from "vitest";
import { encodeRecords, readNotification } from "./notification";
import { loginEvent, refusalEvent } from "./test-support";

const at = new Date("2024-06-01T12:00:00.123Z");
const batch = [
  { ...loginEvent("6f1c2a4e-0000-4000-8000-000000000001", "first"), createdAt: at },
  {
    ...refusalEvent("6f1c2a4e-0000-4000-8000-000000000001", "second", "6f1c2a4e-0000-4000-8000-0000000000c1"),
    createdAt: at,
  },
];

describe("reading an events notification", () => {
  it("answers a carried batch's last id and its events with their ids, exactly as encoded", () => {
    const notification = readNotification(`41,42 ${encodeRecords(batch)}`);
    expect(notification.lastId).toBe(42);
    expect(notification.events()).toEqual([
      { ...batch[0], id: 41 },
      { ...batch[1], id: 42 },
    ]);
  });

  it("answers the last id of a batch too large to carry, and no events: they are read from the table", () => {
    const notification = readNotification("1234");
    expect(notification.lastId).toBe(1234);
    expect(notification.events()).toBeUndefined();
  });

  it("reads an unreadable id as news of unknown extent", () => {
    expect(readNotification("12x").lastId).toBe(Number.POSITIVE_INFINITY);
    expect(readNotification(`7,x ${encodeRecords(batch)}`).lastId).toBe(Number.POSITIVE_INFINITY);
  });

  it("carries no events when the records do not match the ids, are not JSON, or name an unknown type", () => {
    const unknownType = encodeRecords(batch).replace('"auth.rejected"', '"auth.unheard_of"');
    expect(readNotification(`41 ${encodeRecords(batch)}`).events()).toBeUndefined();
    expect(readNotification("41,42 [[").events()).toBeUndefined();
    expect(readNotification(`41,42 ${unknownType}`).events()).toBeUndefined();
    // The readable part still tells how far the batch goes.
    expect(readNotification(`41,42 ${unknownType}`).lastId).toBe(42);
  });
});
