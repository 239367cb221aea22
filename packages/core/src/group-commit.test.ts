import { describe, expect, it } from "vitest";
import { createGroupCommit } from "./group-commit";

/** A batch writer whose writes finish when the test says so, recording each batch it was given. */
function controlledWriter() {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  const failures = new Set<number>();
  const writeBatch = (items: number[]) => {
    batches.push(items);
    return new Promise<string[]>((resolve, reject) => {
      releases.push(() =>
        items.some((item) => failures.has(item))
          ? reject(new Error(`batch ${items.join(",")} failed`))
          : resolve(items.map((item) => `answer ${item}`)),
      );
    });
  };
  const release = async () => {
    releases.shift()?.();
    // Let the settled batch's waiters and the next write start before the test looks.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, release, failures, writeBatch };
}

describe("group commit", () => {
  it("writes a lone item at once, in a batch of its own", async () => {
    const writer = controlledWriter();
    const group = createGroupCommit(writer.writeBatch);
    const answer = group.write(1);
    expect(writer.batches).toEqual([[1]]);
    await writer.release();
    await expect(answer).resolves.toBe("answer 1");
  });

  it("writes an item that comes after the last write finished at once, not waiting for another", async () => {
    const writer = controlledWriter();
    const group = createGroupCommit(writer.writeBatch);
    const first = group.write(1);
    await writer.release();
    await expect(first).resolves.toBe("answer 1");
    const second = group.write(2);
    expect(writer.batches).toEqual([[1], [2]]);
    await writer.release();
    await expect(second).resolves.toBe("answer 2");
  });

  it("gives the items that arrive while a write is under way one next write, each with its own answer", async () => {
    const writer = controlledWriter();
    const group = createGroupCommit(writer.writeBatch);
    const first = group.write(1);
    const later = [group.write(2), group.write(3), group.write(4)];
    expect(writer.batches).toEqual([[1]]);
    await writer.release();
    expect(writer.batches).toEqual([[1], [2, 3, 4]]);
    await writer.release();
    await expect(first).resolves.toBe("answer 1");
    await expect(Promise.all(later)).resolves.toEqual(["answer 2", "answer 3", "answer 4"]);
  });

  it("splits a backlog into batches of at most maxBatch", async () => {
    const writer = controlledWriter();
    const group = createGroupCommit(writer.writeBatch, { maxBatch: 2 });
    const all = [1, 2, 3, 4, 5, 6].map((n) => group.write(n));
    for (let n = 0; n < 4; n++) await writer.release();
    expect(writer.batches).toEqual([[1], [2, 3], [4, 5], [6]]);
    await expect(Promise.all(all)).resolves.toHaveLength(6);
  });

  it("rejects every item of a failed batch and goes on with the next", async () => {
    const writer = controlledWriter();
    const group = createGroupCommit(writer.writeBatch);
    writer.failures.add(3);
    const first = group.write(1);
    const failed = Promise.allSettled([group.write(2), group.write(3)]);
    await writer.release();
    const next = group.write(4);
    await writer.release();
    await writer.release();
    await expect(first).resolves.toBe("answer 1");
    expect((await failed).map((item) => item.status === "rejected" && String(item.reason))).toEqual([
      "Error: batch 2,3 failed",
      "Error: batch 2,3 failed",
    ]);
    await expect(next).resolves.toBe("answer 4");
  });

  it("rejects a batch answered with the wrong number of answers", async () => {
    const group = createGroupCommit(async (items: number[]) => items.slice(1));
    await expect(Promise.all([group.write(1)])).rejects.toThrow(/wrong number/);
  });
});
