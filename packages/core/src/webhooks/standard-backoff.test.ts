import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_ATTEMPTS, standardBackoff } from "./delivery-worker";

describe("standard webhook backoff", () => {
  it("follows the Standard Webhooks schedule after each attempt, staying at 10 h once it runs out", () => {
    const middle = standardBackoff(() => 0.5);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map(middle)).toEqual([
      5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, 36_000_000, 36_000_000,
    ]);
    expect(DEFAULT_MAX_ATTEMPTS).toBe(8);
  });

  it("jitters each delay by at most 10 % either way, rounded to whole milliseconds", () => {
    expect(standardBackoff(() => 0)(1)).toBe(4_500);
    expect(standardBackoff(() => 1)(1)).toBe(5_500);
    expect(standardBackoff(() => 0.25)(2)).toBe(285_000);
    expect(standardBackoff(() => 0.123_456_7)(1)).toBe(4_623);
  });

  it("waits the first step's 5 s for a delivery not attempted yet", () => {
    expect(standardBackoff(() => 0.5)(0)).toBe(5_000);
  });
});
