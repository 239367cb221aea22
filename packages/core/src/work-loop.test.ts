import { describe, expect, it } from "vitest";
import { createWorkLoop } from "./work-loop";

/** Long enough that the poll never fires during a test: every look in these tests is caused by something else. */
const NEVER = 3_600_000;

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves once every promise callback already due has run (one macrotask later): how "nothing more happened" is checked. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A queue whose n-th claim answers with `answers[n]` (nothing once they run out). Records each claim's limit and
 * lets a test await the n-th claim.
 */
function scriptedQueue(answers: string[][]) {
  const limits: number[] = [];
  const waiters = new Map<number, () => void>();
  return {
    limits,
    claim: async (limit: number): Promise<string[]> => {
      limits.push(limit);
      waiters.get(limits.length)?.();
      return answers[limits.length - 1] ?? [];
    },
    claimed: (count: number) =>
      new Promise<void>((resolve) => {
        if (limits.length >= count) resolve();
        else waiters.set(count, resolve);
      }),
  };
}

/** Work that finishes only when the test says so. */
function gatedWork() {
  const gates = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const started: string[] = [];
  const finished: string[] = [];
  const gate = (item: string) => {
    let found = gates.get(item);
    if (!found) {
      found = deferred();
      gates.set(item, found);
    }
    return found;
  };
  return {
    started,
    finished,
    work: async (item: string) => {
      started.push(item);
      await gate(item).promise;
      finished.push(item);
    },
    release: (item: string) => gate(item).resolve(),
  };
}

/** A loop over a scripted queue and gated work, with no poll and errors ignored: the arrangement most tests share. */
function scriptedLoop(script: string[][], capacity: number) {
  const queue = scriptedQueue(script);
  const items = gatedWork();
  const loop = createWorkLoop(queue.claim, items.work, { capacity, pollIntervalMs: NEVER, onError: () => {} });
  return { queue, items, loop };
}

describe("work loop", () => {
  it("runOnce claims only as many items as there are free slots while other work is under way", async () => {
    const { queue, items, loop } = scriptedLoop([["a", "b"], ["c"]], 3);

    const first = loop.runOnce();
    await queue.claimed(1);
    await settle();
    const second = loop.runOnce();
    await queue.claimed(2);
    for (const item of ["a", "b", "c"]) items.release(item);

    expect(await first).toBe(2);
    expect(await second).toBe(1);
    expect(queue.limits).toEqual([3, 1]);
  });

  it("drain runs rounds until a claim finds nothing, and reports work errors without stopping", async () => {
    const queue = scriptedQueue([["a", "b"], ["c"], []]);
    const errors: unknown[] = [];
    const loop = createWorkLoop(
      queue.claim,
      async (item: string) => {
        if (item === "b") throw new Error("b failed");
      },
      { capacity: 2, pollIntervalMs: NEVER, onError: (error) => errors.push(error) },
    );

    await loop.drain();

    expect(queue.limits).toEqual([2, 2, 2]);
    expect(errors).toEqual([new Error("b failed")]);
  });

  it("once started, works on what is due without runOnce, then waits for a wake instead of claiming again", async () => {
    const { queue, items, loop } = scriptedLoop([["a"], ["b"]], 2);

    loop.start();
    loop.start();
    await queue.claimed(1);
    items.release("a");
    await settle();
    expect(items.finished).toEqual(["a"]);
    expect(queue.limits).toEqual([2]);

    loop.wake();
    await queue.claimed(2);
    items.release("b");
    await settle();
    expect(queue.limits).toEqual([2, 2]);
    expect(items.finished).toEqual(["a", "b"]);
    await loop.stop();
  });

  it("a wake that comes while the loop is claiming makes it look again at once, and only once", async () => {
    let loopRef: { wake(): void } | undefined;
    const limits: number[] = [];
    const second = deferred();
    const loop = createWorkLoop(
      async (limit: number): Promise<string[]> => {
        limits.push(limit);
        if (limits.length === 1) loopRef?.wake();
        if (limits.length === 2) second.resolve();
        return [];
      },
      async () => {},
      { capacity: 1, pollIntervalMs: NEVER, onError: () => {} },
    );
    loopRef = loop;

    loop.start();
    await second.promise;
    await settle();
    expect(limits).toEqual([1, 1]);
    await loop.stop();
  });

  it("with every slot taken it claims nothing, and a freed slot makes it claim exactly that many again", async () => {
    const { queue, items, loop } = scriptedLoop([["a", "b"], ["c"]], 2);

    loop.start();
    await queue.claimed(1);
    await settle();
    expect(queue.limits).toEqual([2]);

    items.release("a");
    await queue.claimed(2);
    await settle();
    expect(queue.limits).toEqual([2, 1]);

    for (const item of ["b", "c"]) items.release(item);
    await loop.stop();
    expect(items.finished).toEqual(["a", "b", "c"]);
  });

  it("a slot freed while the loop is claiming does not disturb the claim", async () => {
    const items = gatedWork();
    const limits: number[] = [];
    const errors: unknown[] = [];
    const firstClaim = deferred();
    const secondClaim = deferred();
    const loop = createWorkLoop(
      async (limit: number): Promise<string[]> => {
        limits.push(limit);
        if (limits.length === 1) {
          firstClaim.resolve();
          return ["a", "b"];
        }
        if (limits.length === 2) {
          items.release("b");
          await settle();
          secondClaim.resolve();
          return ["c"];
        }
        return [];
      },
      items.work,
      { capacity: 2, pollIntervalMs: NEVER, onError: (error) => errors.push(error) },
    );

    loop.start();
    await firstClaim.promise;
    await settle();
    items.release("a");
    await secondClaim.promise;
    items.release("c");
    await loop.stop();

    expect(errors).toEqual([]);
    expect(items.finished).toEqual(["a", "b", "c"]);
  });

  it("when a claim fills fewer slots than are free, a finished item does not make it claim again", async () => {
    const { queue, items, loop } = scriptedLoop([["a"]], 2);

    loop.start();
    await queue.claimed(1);
    items.release("a");
    await settle();

    expect(items.finished).toEqual(["a"]);
    expect(queue.limits).toEqual([2]);
    await loop.stop();
  });

  it("a failed claim is reported and the loop goes on at the next wake", async () => {
    const errors: unknown[] = [];
    let claims = 0;
    const second = deferred();
    const loop = createWorkLoop(
      async (): Promise<string[]> => {
        claims += 1;
        if (claims === 1) throw new Error("database down");
        second.resolve();
        return [];
      },
      async () => {},
      { capacity: 1, pollIntervalMs: NEVER, onError: (error) => errors.push(error) },
    );

    loop.start();
    await settle();
    expect(errors).toEqual([new Error("database down")]);
    loop.wake();
    await second.promise;
    await loop.stop();
  });

  it("stop ends an idle loop at once and waits for the work under way, claiming nothing more", async () => {
    const { queue, items, loop } = scriptedLoop([["a"]], 2);

    loop.start();
    await queue.claimed(1);
    await settle();
    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);

    items.release("a");
    await stopping;
    expect(items.finished).toEqual(["a"]);
    loop.wake();
    await settle();
    expect(queue.limits).toEqual([2]);
  });

  it("stop during a claim ends the loop once that claim is back, without waiting for the poll", async () => {
    const claiming = deferred();
    const answer = deferred<string[]>();
    const limits: number[] = [];
    const loop = createWorkLoop(
      async (limit: number) => {
        limits.push(limit);
        claiming.resolve();
        return answer.promise;
      },
      async () => {},
      { capacity: 1, pollIntervalMs: NEVER, onError: () => {} },
    );

    loop.start();
    await claiming.promise;
    const stopping = loop.stop();
    answer.resolve([]);
    await stopping;
    expect(limits).toEqual([1]);
  });
  it("works on items handed over into reserved slots, which no claim fills meanwhile", async () => {
    const { queue, items, loop } = scriptedLoop([[], []], 3);

    expect(loop.reserve(2)).toBe(2);
    expect(await loop.runOnce()).toBe(0);
    loop.handOver(["a"]);
    loop.release(1);
    await settle();
    expect(items.started).toEqual(["a"]);
    const round = loop.runOnce();
    items.release("a");

    expect(await round).toBe(0);
    expect(queue.limits).toEqual([1, 2]);
    expect(items.finished).toEqual(["a"]);
  });

  it("reserves no more slots than are free, and none once stopped", async () => {
    const { items, loop } = scriptedLoop([], 3);

    loop.reserve(1);
    loop.handOver(["a"]);
    expect(loop.reserve(5)).toBe(2);
    expect(loop.reserve(1)).toBe(0);
    loop.release(2);
    items.release("a");
    await loop.stop();
    expect(loop.reserve(1)).toBe(0);
  });

  it("reserved slots given back make a loop with a backlog claim them", async () => {
    const { queue, items, loop } = scriptedLoop([["a"], []], 2);

    expect(loop.reserve(1)).toBe(1);
    loop.start();
    await queue.claimed(1);
    await settle();
    expect(queue.limits).toEqual([1]);

    loop.release(1);
    await queue.claimed(2);
    expect(queue.limits).toEqual([1, 1]);
    items.release("a");
    await loop.stop();
  });
  it("slots given back while nothing is waiting for them make the loop claim nothing", async () => {
    const { queue, loop } = scriptedLoop([[]], 2);

    expect(loop.reserve(1)).toBe(1);
    loop.start();
    await queue.claimed(1);
    await settle();
    loop.release(1);
    await settle();

    expect(queue.limits).toEqual([1]);
    await loop.stop();
  });
});
