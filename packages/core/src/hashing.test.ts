import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { createAccountHasher, createPasswordHasher, HasherBusyError, Semaphore } from "./hashing";

/** Lets pending promise callbacks and the next event-loop turn run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A task that holds its place in a gate until `release` is called. */
function heldTask() {
  let release: () => void = () => {};
  const task = () => new Promise<void>((resolve) => (release = resolve));
  return { task, release: () => release() };
}

describe("password hasher", () => {
  const hasher = createPasswordHasher({ concurrency: 2 });

  it("produces argon2id hashes with the pinned parameters", async () => {
    const hash = await hasher.hash("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, "correct horse battery staple")).toBe(true);
    expect(await hasher.verify(hash, "wrong")).toBe(false);
  });

  it("treats a corrupt hash as a failed verification", async () => {
    expect(await hasher.verify("not-a-hash", "anything")).toBe(false);
  });

  it("runs as many computations at once as asked, one per core by default, and never fewer than one", () => {
    expect(createPasswordHasher({ concurrency: 3 }).concurrency.limit).toBe(3);
    expect(createPasswordHasher().concurrency.limit).toBe(Math.max(1, availableParallelism()));
    expect(createPasswordHasher({ concurrency: 0 }).concurrency.limit).toBe(1);
  });

  it("spends a real verification's work, through the same gate, when there is nothing to verify against", async () => {
    const waits: number[] = [];
    const dummy = createPasswordHasher({ concurrency: 1, onWaited: (seconds) => waits.push(seconds) });
    await expect(dummy.dummyVerify("a guessed password")).resolves.toBeUndefined();
    await expect(dummy.dummyVerify("another guess")).resolves.toBeUndefined();
    expect(waits).toHaveLength(2);
    expect(dummy.concurrency.idle).toBe(true);
  });
});

describe("the wait a hasher reports", () => {
  it("tells onWaited, in seconds, how long a computation waited for its place", async () => {
    const waits: number[] = [];
    const hasher = createPasswordHasher({ concurrency: 1, onWaited: (seconds) => waits.push(seconds) });
    const holder = heldTask();
    const held = hasher.concurrency.run(holder.task);
    const before = performance.now();
    const verified = hasher.verify("not-a-hash", "queued behind the holder");
    await nextTurn();
    expect(waits).toEqual([]);
    holder.release();
    await held;
    expect(await verified).toBe(false);
    const elapsedMs = performance.now() - before;
    expect(waits).toHaveLength(1);
    const [wait = Number.NaN] = waits;
    // Seconds, not milliseconds: the wait fits inside the time the call took, and it is never negative.
    expect(wait).toBeGreaterThanOrEqual(0);
    expect(wait * 1000).toBeLessThanOrEqual(elapsedMs);
  });

  it("is reported by the account hasher too", async () => {
    const waits: number[] = [];
    const hasher = createAccountHasher({ onWaited: (seconds) => waits.push(seconds) });
    expect(await hasher.verify("not-a-hash", "anything")).toBe(false);
    expect(waits).toHaveLength(1);
  });
});

describe("a hasher with a bounded queue", () => {
  it("refuses work at once past its queue, and takes work again once the queue drains", async () => {
    const hasher = createPasswordHasher({ concurrency: 1, maxQueued: 1 });
    let release: () => void = () => {};
    const held = hasher.concurrency.run(() => new Promise<void>((resolve) => (release = resolve)));
    const queued = hasher.hash("queued password");
    const busy = hasher.verify("$argon2id$v=19$m=19456,t=2,p=1$x$y", "one too many");
    await expect(busy).rejects.toBeInstanceOf(HasherBusyError);
    // Logs and serialized errors show the name and the message, not the class.
    await expect(busy).rejects.toMatchObject({
      name: "HasherBusyError",
      message: "Too many password verifications are waiting",
    });
    release();
    await held;
    const hash = await queued;
    expect(await hasher.verify(hash, "queued password")).toBe(true);
  });
});

describe("semaphore", () => {
  it("never runs more tasks at once than its limit", async () => {
    const gate = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    let finished = 0;
    const tasks = Array.from({ length: 6 }, () =>
      gate
        .run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise<void>((resolve) => releases.push(resolve));
          running--;
        })
        .then(() => finished++),
    );
    while (finished < 6) {
      await new Promise((r) => setImmediate(r));
      for (const release of releases.splice(0)) release();
    }
    await Promise.all(tasks);
    expect(peak).toBe(2);
  });

  it("is idle only with nothing running and nothing waiting", async () => {
    const gate = new Semaphore(1);
    expect(gate.idle).toBe(true);
    const first = heldTask();
    const second = heldTask();
    const running = gate.run(first.task);
    expect(gate.idle).toBe(false);
    const waiting = gate.run(second.task);
    expect(gate.queued).toBe(1);
    expect(gate.idle).toBe(false);
    first.release();
    await running;
    await nextTurn();
    // The second task took the first one's place: running, nothing waiting.
    expect(gate.queued).toBe(0);
    expect(gate.idle).toBe(false);
    second.release();
    await waiting;
    expect(gate.idle).toBe(true);
  });

  it("is not idle while a task waits, even when none can run", () => {
    const gate = new Semaphore(0);
    void gate.run(async () => {});
    expect(gate.queued).toBe(1);
    expect(gate.idle).toBe(false);
  });
});
