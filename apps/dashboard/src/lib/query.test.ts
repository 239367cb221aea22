import { describe, expect, test } from "vitest";
import { reconnected } from "./query";

describe("retry after reconnect", () => {
  test("only a return to live after a drop counts, not the first connection", () => {
    expect(reconnected("reconnecting", "live")).toBe(true);
    expect(reconnected("offline", "live")).toBe(true);
    expect(reconnected("connecting", "live")).toBe(false);
    expect(reconnected(undefined, "live")).toBe(false);
    expect(reconnected("live", "reconnecting")).toBe(false);
  });
});
