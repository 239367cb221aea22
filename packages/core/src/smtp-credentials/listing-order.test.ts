import { randomUUID } from "node:crypto";
import {
  CREDENTIAL_FILTERS,
  CREDENTIAL_SORTS,
  type CredentialFilter,
  type CredentialSort,
  SORT_ORDERS,
  type SortOrder,
} from "@relaypost/contract";
import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { decodeCredentialCursor, listCredentials } from "./listing";
import { newScope } from "./test-support";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000);

interface Row {
  username: string;
  active: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
  passwordChangedAt: Date;
}

// Ties on every time column and several never-used rows, so the id must break ties and nulls must page correctly.
const ROWS: Row[] = [
  {
    username: "Zeta_app",
    active: true,
    createdAt: daysAgo(200),
    lastUsedAt: daysAgo(1),
    passwordChangedAt: daysAgo(200),
  },
  { username: "alpha", active: true, createdAt: daysAgo(200), lastUsedAt: daysAgo(1), passwordChangedAt: daysAgo(100) },
  { username: "beta_1", active: false, createdAt: daysAgo(200), lastUsedAt: null, passwordChangedAt: daysAgo(10) },
  { username: "Beta_2", active: true, createdAt: daysAgo(40), lastUsedAt: daysAgo(31), passwordChangedAt: daysAgo(40) },
  { username: "gamma", active: false, createdAt: daysAgo(40), lastUsedAt: null, passwordChangedAt: daysAgo(40) },
  { username: "delta9", active: true, createdAt: daysAgo(2), lastUsedAt: null, passwordChangedAt: daysAgo(2) },
  { username: "epsilon", active: true, createdAt: daysAgo(2), lastUsedAt: daysAgo(1), passwordChangedAt: daysAgo(2) },
];

/** The order the list promises, written independently of the SQL: ties by id, never used as the oldest use. */
function expectedOrder(rows: (Row & { id: string })[], sort: CredentialSort, order: SortOrder) {
  const key = (r: Row) =>
    sort === "username"
      ? r.username.toLowerCase()
      : sort === "created"
        ? r.createdAt.getTime()
        : (r.lastUsedAt?.getTime() ?? Number.NEGATIVE_INFINITY);
  const sign = order === "asc" ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
      return (a.id < b.id ? -1 : 1) * sign;
    })
    .map((r) => r.username);
}

const FILTERED: Record<CredentialFilter, string[]> = {
  active: ["Zeta_app", "alpha", "Beta_2", "delta9", "epsilon"],
  inactive: ["beta_1", "gamma"],
  neverUsed: ["beta_1", "gamma", "delta9"],
  // No login in 30 days and older than that: a new, never-used credential is not yet "unused".
  unused: ["beta_1", "Beta_2", "gamma"],
  oldPassword: ["Zeta_app", "alpha"],
};

describe("ordering and filtering the credentials list", () => {
  let database: TestDatabase;
  let organizationId: string;
  let rows: (Row & { id: string })[];
  beforeAll(async () => {
    database = await createTestDatabase();
    organizationId = (await newScope(database)).organizationId;
    rows = await database.db
      .insert(schema.smtpCredentials)
      .values(ROWS.map((r) => ({ ...r, organizationId, lookupId: randomUUID(), passwordHash: "not-a-hash" })))
      .returning();
  });
  afterAll(() => database.destroy());

  async function everyPage(query: { sort?: CredentialSort; order?: SortOrder; filter?: CredentialFilter }) {
    const usernames: string[] = [];
    const totals = new Set<number>();
    let cursor: string | null = null;
    do {
      const page = await listCredentials(
        database.db,
        organizationId,
        { ...query, limit: 2, cursor: cursor ? decodeCredentialCursor(cursor) : undefined },
        NOW,
      );
      usernames.push(...page.items.map((c) => c.username));
      totals.add(page.total);
      cursor = page.nextCursor;
    } while (cursor);
    return { usernames, totals: [...totals] };
  }

  for (const sort of CREDENTIAL_SORTS) {
    for (const order of SORT_ORDERS) {
      it(`pages through every credential once, by ${sort} ${order}, ties and never-used ones included`, async () => {
        const { usernames, totals } = await everyPage({ sort, order });
        expect(usernames).toEqual(expectedOrder(rows, sort, order));
        expect(totals).toEqual([ROWS.length]);
      });
    }
  }

  it("puts never-used credentials last when the most recently used come first, and first the other way", async () => {
    const desc = (await everyPage({ sort: "lastUsed", order: "desc" })).usernames;
    expect(new Set(desc.slice(-3))).toEqual(new Set(["beta_1", "gamma", "delta9"]));
    const asc = (await everyPage({ sort: "lastUsed", order: "asc" })).usernames;
    expect(new Set(asc.slice(0, 3))).toEqual(new Set(["beta_1", "gamma", "delta9"]));
  });

  it("orders usernames ignoring case", async () => {
    expect((await everyPage({ sort: "username", order: "asc" })).usernames).toEqual([
      "alpha",
      "beta_1",
      "Beta_2",
      "delta9",
      "epsilon",
      "gamma",
      "Zeta_app",
    ]);
  });

  for (const filter of CREDENTIAL_FILTERS) {
    it(`lists only the ${filter} credentials, in order across pages, and counts only them`, async () => {
      const { usernames, totals } = await everyPage({ filter, sort: "username", order: "asc" });
      const expected = expectedOrder(
        rows.filter((r) => FILTERED[filter].includes(r.username)),
        "username",
        "asc",
      );
      expect(usernames).toEqual(expected);
      expect(totals).toEqual([FILTERED[filter].length]);
    });
  }

  it("counts the credentials the search and filter match, not those on the page", async () => {
    const page = await listCredentials(
      database.db,
      organizationId,
      { search: "beta", filter: "active", limit: 1 },
      NOW,
    );
    expect(page.items.map((c) => c.username)).toEqual(["Beta_2"]);
    expect(page.total).toBe(1);
  });

  it("refuses a cursor issued for another order, naming the cursor", async () => {
    const first = await listCredentials(database.db, organizationId, { sort: "username", limit: 2 }, NOW);
    const cursor = decodeCredentialCursor(first.nextCursor ?? "");
    const error = await listCredentials(database.db, organizationId, { sort: "created", limit: 2, cursor }, NOW).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "BAD_REQUEST", field: "cursor" });
  });

  it("takes no cursor it could not have issued", () => {
    const encode = (content: unknown) => Buffer.from(JSON.stringify(content)).toString("base64url");
    const id = randomUUID();
    expect(decodeCredentialCursor(encode(["lastUsed", "desc", null, id]))).toEqual({
      sort: "lastUsed",
      order: "desc",
      value: null,
      id,
    });
    expect(decodeCredentialCursor(encode(["created", "desc", null, id]))).toBeUndefined();
    expect(decodeCredentialCursor(encode(["created", "desc", "alpha", id]))).toBeUndefined();
    expect(decodeCredentialCursor(encode(["username", "desc", null, id]))).toBeUndefined();
    expect(decodeCredentialCursor(encode(["name", "desc", "alpha", id]))).toBeUndefined();
    expect(decodeCredentialCursor(encode(["created", "up", "2026-01-01T00:00:00.000Z", id]))).toBeUndefined();
    expect(decodeCredentialCursor("not base64 json")).toBeUndefined();
  });
});
