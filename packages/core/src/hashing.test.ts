import { describe, expect, it } from "vitest";
import { createPasswordHasher, Semaphore } from "./hashing";

describe("password hasher", () => {
  const hasher = createPasswordHasher(2);

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
