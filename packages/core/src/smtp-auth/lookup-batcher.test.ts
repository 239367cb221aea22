import { describe, expect, it } from "vitest";
import { createLookupBatcher, type LookupBatcherOptions, LookupTimeoutError } from "./lookup-batcher";

/** A read that records the keys it was asked for, never answers for "stuck", and otherwise finds every key. */
function recordingRead(reads: string[][]) {
  return async (keys: string[]) => {
    reads.push(keys);
    if (keys.includes("stuck")) await new Promise(() => {});
    return keys.map((key) => ({ key }));
  };
}

/** A batcher whose first read stays open until `finishFirst()`; every read's keys are kept in `reads`. */
function firstReadHeld(options: LookupBatcherOptions) {
  const reads: string[][] = [];
  let finishFirst: () => void = () => {};
  const firstDone = new Promise<void>((resolve) => (finishFirst = resolve));
  const lookup = createLookupBatcher(
    async (keys: string[]) => {
      reads.push(keys);
      if (reads.length === 1) await firstDone;
      return keys.map((key) => ({ key }));
    },
    (row) => row.key,
    options,
  );
  return { reads, finishFirst: () => finishFirst(), lookup };
}

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
      { maxBatch: 2 },
    );
    const outcomes = await Promise.allSettled([lookup(1), lookup(2), lookup(3), lookup(4)]);
    expect(reads).toEqual([2, 2]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "rejected"]);
    // The read's own error, at once: not a timeout long after.
    for (const outcome of outcomes.slice(2))
      expect(outcome).toMatchObject({ reason: expect.objectContaining({ message: "database down" }) });
  });

  it("gathers the lookups that arrive while a read runs into the next read", async () => {
    const { reads, finishFirst, lookup } = firstReadHeld({ maxInFlight: 1 });
    const first = lookup("a");
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads).toEqual([["a"]]);
    const later = [lookup("b"), new Promise((r) => setImmediate(r)).then(() => lookup("c"))];
    // Two turns: the one that asks for "c", then the one its scheduled flush runs in. Reads start on no timer.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads).toEqual([["a"]]);
    finishFirst();
    expect(await first).toEqual({ key: "a" });
    expect(await Promise.all(later)).toEqual([{ key: "b" }, { key: "c" }]);
    expect(reads).toEqual([["a"], ["b", "c"]]);
  });

  it("keeps answering while a read hangs, up to the in-flight bound", async () => {
    const reads: string[][] = [];
    const lookup = createLookupBatcher(recordingRead(reads), (row) => row.key, { maxInFlight: 2 });
    void lookup("stuck");
    await new Promise((resolve) => setImmediate(resolve));
    expect(await lookup("b")).toEqual({ key: "b" });
    expect(await lookup("c")).toEqual({ key: "c" });
    expect(reads).toEqual([["stuck"], ["b"], ["c"]]);
  });

  it("fails the lookups of a read that hangs past the timeout and gives its place to the next read", async () => {
    const reads: string[][] = [];
    const lookup = createLookupBatcher(recordingRead(reads), (row) => row.key, { maxInFlight: 1, timeoutMs: 50 });
    const stuck = lookup("stuck");
    await new Promise((resolve) => setImmediate(resolve));
    const next = lookup("b");
    await expect(stuck).rejects.toBeInstanceOf(LookupTimeoutError);
    expect(await next).toEqual({ key: "b" });
    expect(reads).toEqual([["stuck"], ["b"]]);
  });

  it("reads a backlog that outgrew the batch limit while a read ran in batches of at most the limit", async () => {
    const { reads, finishFirst, lookup } = firstReadHeld({ maxBatch: 2, maxInFlight: 1 });
    const first = [lookup("a"), lookup("b")];
    // The read of a and b runs; five more lookups gather behind it, past the batch limit.
    const backlog = ["c", "d", "e", "f", "g"].map((key) => lookup(key));
    finishFirst();
    expect(await Promise.all([...first, ...backlog])).toEqual(
      ["a", "b", "c", "d", "e", "f", "g"].map((key) => ({ key })),
    );
    expect(reads).toEqual([["a", "b"], ["c", "d"], ["e", "f"], ["g"]]);
  });
});
