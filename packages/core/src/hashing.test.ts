import { describe, expect, it } from "vitest";
import { createPasswordHasher, HasherBusyError, Semaphore } from "./hashing";

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
});

describe("a hasher with a bounded queue", () => {
  it("refuses work at once past its queue, and takes work again once the queue drains", async () => {
    const hasher = createPasswordHasher({ concurrency: 1, maxQueued: 1 });
    let release: () => void = () => {};
    const held = hasher.concurrency.run(() => new Promise<void>((resolve) => (release = resolve)));
    const queued = hasher.hash("queued password");
    await expect(hasher.verify("$argon2id$v=19$m=19456,t=2,p=1$x$y", "one too many")).rejects.toBeInstanceOf(
      HasherBusyError,
    );
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
});
