import { describe, expect, test } from "vitest";
import { filterFromParams, footerText, startOfDay } from "./filters";

describe("the audit log's URL filters", () => {
  test("a day runs from its local midnight to the next, both days of a range included", () => {
    const { filter, rangeError } = filterFromParams({ from: "2026-03-01", to: "2026-03-02" });
    expect(filter.since).toEqual(new Date(2026, 2, 1));
    expect(filter.until).toEqual(new Date(2026, 2, 3));
    expect(rangeError).toBeNull();
  });

  test("one day as both ends is that whole day", () => {
    const { filter } = filterFromParams({ from: "2026-03-01", to: "2026-03-01" });
    expect(filter.until?.getTime()).toBe(new Date(2026, 2, 2).getTime());
  });

  test("an end before the start is dropped and said, rather than sent to be refused", () => {
    const { filter, rangeError } = filterFromParams({ from: "2026-03-02", to: "2026-03-01" });
    expect(filter.since).toEqual(new Date(2026, 2, 2));
    expect(filter.until).toBeUndefined();
    expect(rangeError).toMatch(/before/);
  });

  test("values no filter can take are left out: a day that does not exist, an unknown action or actor", () => {
    expect(startOfDay("2026-02-30")).toBeUndefined();
    expect(startOfDay("yesterday")).toBeUndefined();
    const { filter } = filterFromParams({ actor: "someone", action: "credential.exploded", target: "  " });
    expect(filter).toEqual({
      actor: undefined,
      actions: undefined,
      target: undefined,
      since: undefined,
      until: undefined,
    });
  });

  test("a known action and actor pass, the target trimmed", () => {
    const actor = "api_key:5f0c6a9e-3b1d-4c2e-9a7b-1d2e3f4a5b6c";
    const { filter } = filterFromParams({ actor, action: "credential.deleted", target: " rails " });
    expect(filter).toMatchObject({ actor, actions: ["credential.deleted"], target: "rails" });
  });
});

describe("the footer's sentence", () => {
  test("says how much of the total is shown, and whether filters narrow it", () => {
    expect(footerText(50, 506, false)).toBe("Showing 50 of 506 entries");
    expect(footerText(7, 7, false)).toBe("Showing all 7 entries");
    expect(footerText(3, 3, true)).toBe("Showing all 3 entries that match the filters");
    expect(footerText(1, 1, true)).toBe("Showing the only entry that matches the filters");
    expect(footerText(1, 1, false)).toBe("Showing the only entry");
  });
});
