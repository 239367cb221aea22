import { readdirSync, readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { types } from "@electric-sql/pglite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ThreadedPglite } from "./threaded-pglite";

describe("PGlite on a worker thread", () => {
  let pg: ThreadedPglite;
  beforeEach(async () => {
    pg = new ThreadedPglite(undefined);
    await pg.query("create table items (id int primary key, name text not null, at timestamptz)");
  });
  afterEach(() => pg.close());

  it("answers rows by name or by position, with the caller's parsers applied to their columns", async () => {
    await pg.query("insert into items values ($1, $2, $3)", [1, "one", new Date("2026-01-02T03:04:05Z")]);
    const byName = await pg.query<{ id: number; name: string; at: Date }>("select * from items");
    expect(byName.rows).toEqual([{ id: 1, name: "one", at: new Date("2026-01-02T03:04:05Z") }]);
    expect(byName.fields.map((f) => f.name)).toEqual(["id", "name", "at"]);

    const byPosition = await pg.query<unknown[]>("select id, at from items", [], {
      rowMode: "array",
      parsers: { [types.TIMESTAMPTZ]: (text: string) => `parsed ${text}` },
    });
    expect(byPosition.rows).toEqual([[1, "parsed 2026-01-02 03:04:05+00"]]);
  });

  it("reports how many rows a write changed", async () => {
    await pg.query("insert into items values (1, 'a'), (2, 'b'), (3, 'c')");
    const updated = await pg.query("update items set name = 'x' where id > $1", [1]);
    expect(updated.affectedRows).toBe(2);
  });

  it("keeps PostgreSQL's error fields, so a unique violation can be told apart", async () => {
    await pg.query("insert into items values (1, 'a')");
    const error = await pg.query("insert into items values (1, 'b')").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: "23505", constraint: "items_pkey" });
    // The session is usable after the failure.
    expect((await pg.query("select count(*)::int as n from items")).rows).toEqual([{ n: 1 }]);
  });

  it("commits a transaction as a whole", async () => {
    const result = await pg.transaction(async (tx) => {
      await tx.query("insert into items values (1, 'a')");
      await tx.query("insert into items values (2, 'b')");
      return "done";
    });
    expect(result).toBe("done");
    expect((await pg.query("select count(*)::int as n from items")).rows).toEqual([{ n: 2 }]);
  });

  it("rolls a transaction back when its callback fails, and queries outside it are not caught up in it", async () => {
    let insideStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      insideStarted = resolve;
    });
    let outside: Promise<unknown> = Promise.resolve();
    const failing = pg.transaction(async (tx) => {
      await tx.query("insert into items values (1, 'inside')");
      insideStarted();
      // Issued while the transaction is open: on a single session it would otherwise run inside it.
      outside = pg.query("insert into items values (2, 'outside')");
      // Requests reach the thread in order: once this answers, an outside insert sent straight to the thread would
      // have run inside the transaction.
      await tx.query("select 1");
      throw new Error("changed my mind");
    });
    await started;
    await expect(failing).rejects.toThrow("changed my mind");
    await outside;
    expect((await pg.query("select id, name from items")).rows).toEqual([{ id: 2, name: "outside" }]);
  });

  it("runs transactions one after another", async () => {
    const order: string[] = [];
    const run = (name: string) =>
      pg.transaction(async (tx) => {
        order.push(`${name} begin`);
        await tx.query("select pg_sleep(0.01)");
        order.push(`${name} end`);
      });
    await Promise.all([run("a"), run("b")]);
    expect(order).toEqual(["a begin", "a end", "b begin", "b end"]);
  });

  it("still answers a statement it prepared before the table changed", async () => {
    await pg.query("insert into items values (1, 'a')");
    expect((await pg.query("select * from items")).rows).toEqual([{ id: 1, name: "a", at: null }]);
    await pg.query("alter table items add column extra text default 'e'");
    expect((await pg.query("select * from items")).rows).toEqual([{ id: 1, name: "a", at: null, extra: "e" }]);
  });

  it("delivers notifications to listeners until they stop listening", async () => {
    const received: string[] = [];
    let delivered: () => void = () => {};
    const first = new Promise<void>((resolve) => (delivered = resolve));
    const unlisten = await pg.listen("things", (payload) => {
      received.push(payload);
      delivered();
    });
    await pg.query("select pg_notify('things', 'first')");
    await first;
    expect(received).toEqual(["first"]);
    await unlisten();
    await pg.query("select pg_notify('things', 'second')");
    await pg.query("select 1");
    expect(received).toEqual(["first"]);
  });

  it.runIf(process.platform === "linux")("runs its own thread, and only that, below the event loop's priority", () => {
    const loop = getPriority(0);
    const niceness = readdirSync("/proc/self/task").map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      // Field 19 (nice), counted after the command name, which may contain spaces.
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
    });
    expect(niceness.filter((n) => n === Math.min(19, loop + 10))).toHaveLength(1);
    expect(niceness.filter((n) => n === loop).length).toBe(niceness.length - 1);
  });

  it("refuses queries once closed, and a close is not a loss", async () => {
    await pg.close();
    await expect(pg.query("select 1")).rejects.toThrow(/PGlite thread exited/);
    expect(await Promise.race([pg.lost, Promise.resolve("not lost")])).toBe("not lost");
  });
});

describe("a PGlite thread that dies", () => {
  it("is reported lost, fails the query in flight and every one after", async () => {
    // A heap cap the result of the second query cannot fit in: the thread dies as it would on a real crash.
    const pg = new ThreadedPglite(undefined, { resourceLimits: { maxOldGenerationSizeMb: 48 } });
    expect((await pg.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    const huge = pg.query("select repeat('x', 200) || g as s from generate_series(1, 3000000) g");
    await expect(huge).rejects.toMatchObject({ code: "ERR_WORKER_OUT_OF_MEMORY" });
    expect(await pg.lost).toMatchObject({ code: "ERR_WORKER_OUT_OF_MEMORY" });
    await expect(pg.query("select 1")).rejects.toMatchObject({ code: "ERR_WORKER_OUT_OF_MEMORY" });
    await pg.close();
  });
});
