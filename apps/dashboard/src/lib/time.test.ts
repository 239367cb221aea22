import { describe, expect, test } from "vitest";
import { relativeTime } from "./time";

const now = Date.parse("2026-11-01T12:00:00Z");
const ago = (seconds: number) => new Date(now - seconds * 1000);

describe("relative times", () => {
  test("under 45 seconds either way is just now", () => {
    expect(relativeTime(ago(44), now)).toBe("just now");
    expect(relativeTime(ago(-30), now)).toBe("just now");
  });

  test("the largest whole unit that fits is used, rounded", () => {
    expect(relativeTime(ago(45), now)).toBe("1 minute ago");
    expect(relativeTime(ago(100 * 60), now)).toBe("2 hours ago");
    expect(relativeTime(ago(24 * 3600), now)).toBe("yesterday");
    expect(relativeTime(ago(8 * 24 * 3600), now)).toBe("last week");
    expect(relativeTime(ago(400 * 24 * 3600), now)).toBe("last year");
  });

  test("future times read forwards", () => {
    expect(relativeTime(ago(-3 * 3600), now)).toBe("in 3 hours");
  });
});
