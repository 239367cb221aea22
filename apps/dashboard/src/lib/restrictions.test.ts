import { ALLOWED_SENDERS_MAX, EXPIRY_WARNING_MS, SENDING_LIMIT_MAX } from "@relaypost/contract";
import { describe, expect, test } from "vitest";
import {
  allowedIpsProblem,
  allowedSendersProblem,
  expiryState,
  fromLocalInput,
  liveOverlap,
  parseLimit,
  parseRules,
  toLocalInput,
  usagePercent,
} from "./restrictions";

const now = Date.parse("2026-11-01T12:00:00Z");

describe("rule lists", () => {
  test("one rule per line or comma, blanks and surrounding spaces dropped", () => {
    expect(parseRules(" example.com\n\n*.acme.io,  app@example.com ,\n")).toEqual([
      "example.com",
      "*.acme.io",
      "app@example.com",
    ]);
    expect(parseRules("  \n ")).toEqual([]);
  });

  test("domains, *.domains and addresses are allowed senders, in any case; anything else is named", () => {
    expect(allowedSendersProblem(["example.com", "*.Acme.io", "App@Example.com"])).toBeUndefined();
    expect(allowedSendersProblem(["example.com", "not a domain"])).toContain("“not a domain” is not a domain");
    expect(allowedSendersProblem(["localhost"])).toContain("“localhost”");
  });

  test("too many rules are refused before asking the server", () => {
    const rules = Array.from({ length: ALLOWED_SENDERS_MAX + 1 }, (_, i) => `d${i}.example.com`);
    expect(allowedSendersProblem(rules)).toBe(`At most ${ALLOWED_SENDERS_MAX} allowed senders`);
    expect(allowedSendersProblem(rules.slice(1))).toBeUndefined();
    expect(allowedIpsProblem(Array.from({ length: 101 }, () => "10.0.0.1"))).toBe("At most 100 allowed IP ranges");
    expect(allowedIpsProblem(["10.0.0.0/8"])).toBeUndefined();
  });
});

describe("limits", () => {
  test("blank is no limit; whole numbers from 1 to the maximum are limits", () => {
    expect(parseLimit("  ")).toEqual({ value: undefined });
    expect(parseLimit(" 10 ")).toEqual({ value: 10 });
    expect(parseLimit(String(SENDING_LIMIT_MAX))).toEqual({ value: SENDING_LIMIT_MAX });
  });

  test("fractions, zero, negatives, words and too large are refused with the reason", () => {
    expect(parseLimit("1.5")).toEqual({ problem: "A limit must be a whole number" });
    expect(parseLimit("ten")).toEqual({ problem: "A limit must be a whole number" });
    expect(parseLimit("0")).toEqual({ problem: "A limit must be at least 1" });
    expect(parseLimit("-3")).toEqual({ problem: "A limit must be at least 1" });
    expect(parseLimit(String(SENDING_LIMIT_MAX + 1))).toEqual({ problem: "A limit must be at most 10,000,000" });
  });

  test("usage is a rounded percentage of the limit, never above 100", () => {
    expect(usagePercent(0, 10)).toBe(0);
    expect(usagePercent(1, 3)).toBe(33);
    expect(usagePercent(2, 3)).toBe(67);
    expect(usagePercent(10, 10)).toBe(100);
    expect(usagePercent(12, 10)).toBe(100);
  });
});

describe("expiry", () => {
  test("no date never expires; a date past or now has expired", () => {
    expect(expiryState(null, now)).toBe("none");
    expect(expiryState(new Date(now), now)).toBe("expired");
    expect(expiryState(new Date(now - 1), now)).toBe("expired");
  });

  test("within the warning period it expires soon, up to and including its edge; beyond, it is valid", () => {
    expect(expiryState(new Date(now + 1), now)).toBe("soon");
    expect(expiryState(new Date(now + EXPIRY_WARNING_MS), now)).toBe("soon");
    expect(expiryState(new Date(now + EXPIRY_WARNING_MS + 1), now)).toBe("valid");
  });

  test("a datetime-local value round-trips in the browser's time zone, to the minute", () => {
    const date = new Date(2026, 10, 5, 9, 7);
    expect(toLocalInput(date)).toBe("2026-11-05T09:07");
    expect(fromLocalInput("2026-11-05T09:07")).toEqual(date);
    expect(toLocalInput(null)).toBe("");
    expect(fromLocalInput("")).toBeNull();
    expect(fromLocalInput("soon")).toBeNull();
  });
});

describe("password overlap", () => {
  test("shown while it lasts, gone once it has passed or when there is none", () => {
    const until = new Date(now + 60_000);
    expect(liveOverlap(until, now)).toBe(until);
    expect(liveOverlap(until, until.getTime())).toBeNull();
    expect(liveOverlap(null, now)).toBeNull();
  });
});
