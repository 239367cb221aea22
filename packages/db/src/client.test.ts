import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, reconnectDelaySeconds } from "./client";
import { organizations } from "./schema";
import { createTestDatabase, type TestDatabase, testServerUrl } from "./testing";

describe("database factory", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.destroy());

  it("uses the driver the environment asks for", () => {
    expect(database.driver).toBe(testServerUrl ? "postgres" : "pglite");
  });

  it("applies the migrations so every table exists", async () => {
    const rows = await queryRows<{ table_name: string }>(
      database.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const names = rows.map((r) => r.table_name);
    expect(names).toEqual(
      expect.arrayContaining([
        "organizations",
        "users",
        "memberships",
        "sessions",
        "api_keys",
        "smtp_credentials",
        "audit_log",
      ]),
    );
  });

  it("delivers NOTIFY payloads to listeners", async () => {
    let deliver: (payload: string) => void = () => {};
    const received = new Promise<string>((resolve) => {
      deliver = resolve;
    });
    const unlisten = await database.listen("relaypost_test", (payload) => deliver(payload));
    await database.db.execute(sql`select pg_notify('relaypost_test', 'hello')`);
    await expect(received).resolves.toBe("hello");
    await unlisten();
  });

  it("rejects a duplicate organization slug", async () => {
    await database.db.insert(organizations).values({ name: "A", slug: "dup" });
    await expect(database.db.insert(organizations).values({ name: "B", slug: "dup" })).rejects.toThrow();
  });

  it("tries a lost PostgreSQL connection again within a second, however many attempts have failed", () => {
    const delays = Array.from({ length: 60 }, (_, failures) => reconnectDelaySeconds(failures));
    expect(Math.max(...delays)).toBeLessThanOrEqual(1);
    // Not a hot loop either: the first attempts still wait a little, and later ones at least half a second.
    expect(Math.min(...delays)).toBeGreaterThan(0);
    expect(Math.min(...delays.slice(5))).toBeGreaterThanOrEqual(0.5);
  });

  it("stops listening without complaint once the database is gone, so a shutdown can carry on", async () => {
    const gone = await createTestDatabase();
    const unlisten = await gone.listen("relaypost_test_channel", () => {});
    await gone.destroy();
    await expect(unlisten()).resolves.toBeUndefined();
  });
});
