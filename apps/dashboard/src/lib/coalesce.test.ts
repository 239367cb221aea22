import { describe, expect, test } from "vitest";
import { coalesce } from "./coalesce";

/** Work that finishes only when the test says so, recording each run. */
function controlledWork() {
  const runs: Array<() => void> = [];
  const work = () => new Promise<void>((resolve) => runs.push(resolve));
  return { runs, work };
}

describe("coalesced refetches", () => {
  test("requests during a run make exactly one more run, started after the run ends", async () => {
    const { runs, work } = controlledWork();
    const request = coalesce(work);
    const first = request();
    expect(runs).toHaveLength(1);
    void request();
    void request();
    void request();
    expect(runs).toHaveLength(1);
    runs[0]?.();
    await Promise.resolve();
    await Promise.resolve();
    expect(runs).toHaveLength(2);
    runs[1]?.();
    await first;
    expect(runs).toHaveLength(2);
  });

  test("a request after everything settled runs again; a failed run does not block later ones", async () => {
    let calls = 0;
    const request = coalesce(async () => {
      calls++;
      if (calls === 1) throw new Error("offline");
    });
    await expect(request()).rejects.toThrow("offline");
    await request();
    expect(calls).toBe(2);
  });
});
