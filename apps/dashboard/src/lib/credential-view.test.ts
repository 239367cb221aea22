import { describe, expect, test } from "vitest";
import type { Credential } from "./api";
import { allCredentials, type CredentialList, removeCredential, totalOf, upsertCredential } from "./credential-cache";
import { compareInView, DEFAULT_VIEW, matchesFilter, viewFromParams } from "./credential-view";

const now = new Date("2026-11-01T12:00:00Z");
const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 60 * 60 * 1000);

const credential = (id: string, username: string, change: Partial<Credential> = {}): Credential => ({
  id,
  username,
  description: "",
  active: true,
  lastUsedAt: null,
  passwordChangedAt: now,
  allowedSenders: [],
  allowedIps: [],
  expiresAt: null,
  limits: {},
  previousPasswordExpiresAt: null,
  createdAt: now,
  updatedAt: now,
  ...change,
});

const list = (total: number, ...pages: Credential[][]): CredentialList => ({
  pages: pages.map((items, i) => ({ items, nextCursor: i < pages.length - 1 ? `c${i}` : null, total })),
  pageParams: pages.map((_, i) => (i === 0 ? null : `c${i - 1}`)),
});

const names = (l: CredentialList) => allCredentials(l).map((c) => c.username);

describe("the list's view, read from the address", () => {
  test("takes the sort, order and filter it names, and the default for anything it does not know", () => {
    expect(viewFromParams({ q: " rails ", sort: "lastUsed", order: "asc", filter: "neverUsed" })).toEqual({
      search: "rails",
      sort: "lastUsed",
      order: "asc",
      filter: "neverUsed",
    });
    expect(viewFromParams({ sort: "password", order: "up", filter: "stale" })).toEqual(DEFAULT_VIEW);
  });
});

describe("a credential placed by the list's view", () => {
  test("orders as the server does: ignoring case, ties by id, never used as the oldest use", () => {
    const rows = [
      credential("b", "Beta", { lastUsedAt: daysAgo(1) }),
      credential("a", "alpha"),
      credential("c", "gamma", { lastUsedAt: daysAgo(1) }),
    ];
    const sorted = (sort: "username" | "lastUsed", order: "asc" | "desc") =>
      [...rows].sort(compareInView({ ...DEFAULT_VIEW, sort, order })).map((c) => c.id);
    expect(sorted("username", "asc")).toEqual(["a", "b", "c"]);
    expect(sorted("lastUsed", "desc")).toEqual(["c", "b", "a"]);
    expect(sorted("lastUsed", "asc")).toEqual(["a", "b", "c"]);
  });

  test("filters as the server does", () => {
    const fresh = credential("a", "fresh");
    const stale = credential("b", "stale", {
      createdAt: daysAgo(100),
      lastUsedAt: daysAgo(31),
      passwordChangedAt: daysAgo(91),
      active: false,
    });
    const matching = (filter: Parameters<typeof matchesFilter>[1]) =>
      [fresh, stale].filter((c) => matchesFilter(c, filter, now)).map((c) => c.id);
    expect(matching("active")).toEqual(["a"]);
    expect(matching("inactive")).toEqual(["b"]);
    expect(matching("neverUsed")).toEqual(["a"]);
    expect(matching("unused")).toEqual(["b"]);
    expect(matching("oldPassword")).toEqual(["b"]);
  });

  test("a created credential goes where the order puts it, counted, or waits for its page", () => {
    const byName = { ...DEFAULT_VIEW, sort: "username" as const, order: "asc" as const };
    const loaded = list(5, [credential("a", "alpha"), credential("d", "delta")], [credential("f", "foxtrot")]);
    const charlie = upsertCredential(loaded, credential("c", "charlie"), byName, true, now);
    expect(names(charlie)).toEqual(["alpha", "charlie", "delta", "foxtrot"]);
    expect(totalOf(charlie)).toBe(6);
    const more = list(5, [credential("a", "alpha"), credential("d", "delta")], [credential("f", "foxtrot")]);
    more.pages[1] = { items: [credential("f", "foxtrot")], nextCursor: "c1", total: 5 };
    const zulu = upsertCredential(more, credential("z", "zulu"), byName, true, now);
    expect(names(zulu)).toEqual(["alpha", "delta", "foxtrot"]);
  });

  test("a created credential the filter excludes is left out", () => {
    const inactiveOnly = { ...DEFAULT_VIEW, filter: "inactive" as const };
    const result = upsertCredential(list(0, []), credential("n", "new_app"), inactiveOnly, true, now);
    expect(names(result)).toEqual([]);
    expect(totalOf(result)).toBe(0);
  });

  test("a credential that comes again on a later page is shown once, and a removal counts down once", () => {
    const alpha = credential("a", "alpha");
    const twice = list(2, [alpha, credential("b", "beta")], [{ ...alpha, lastUsedAt: now }]);
    expect(names(twice)).toEqual(["alpha", "beta"]);
    const removed = removeCredential(twice, "b");
    expect(totalOf(removed)).toBe(1);
    expect(totalOf(removeCredential(removed, "b"))).toBe(1);
  });
});
