import { describe, expect, it } from "vitest";
import { createLookupBatcher } from "./lookup-batcher";

describe("lookup batcher", () => {
  it("answers lookups made together with one read, each with its own row", async () => {
    const reads: string[][] = [];
    const lookup = createLookupBatcher(
      async (keys: string[]) => {
        reads.push(keys);
        return keys.filter((k) => k !== "missing").map((k) => ({ key: k, value: k.toUpperCase() }));
      },
      (row) => row.key,
    );
    const results = await Promise.all([lookup("a"), lookup("b"), lookup("a"), lookup("missing")]);
    expect(results).toEqual([{ key: "a", value: "A" }, { key: "b", value: "B" }, { key: "a", value: "A" }, undefined]);
    expect(reads).toEqual([["a", "b", "missing"]]);
    await lookup("c");
    expect(reads).toEqual([["a", "b", "missing"], ["c"]]);
  });

  it("splits at the batch limit and rejects every waiter of a failed read", async () => {
    const reads: number[] = [];
    const lookup = createLookupBatcher(
      async (keys: number[]) => {
        reads.push(keys.length);
        if (keys.includes(3)) throw new Error("database down");
        return keys.map((k) => ({ k }));
      },
      (row) => row.k,
      2,
    );
    const outcomes = await Promise.allSettled([lookup(1), lookup(2), lookup(3), lookup(4)]);
    expect(reads).toEqual([2, 2]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "rejected"]);
  });
});
