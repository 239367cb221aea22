import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirInUseError, lockDataDir } from "./data-dir-lock";

describe("embedded database lock", () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), "relaypost-lock-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("takes a free data directory and releases it", () => {
    const dir = fresh();
    const unlock = lockDataDir(dir);
    expect(readFileSync(join(dir, "relaypost.pid"), "utf8")).toBe(String(process.pid));
    unlock();
    expect(existsSync(join(dir, "relaypost.pid"))).toBe(false);
  });

  it("refuses a directory another live process holds, naming it", () => {
    const dir = fresh();
    writeFileSync(join(dir, "relaypost.pid"), String(process.ppid));
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dir)).toThrow(`in use by process ${process.ppid}`);
  });

  it("takes over the lock of a process that no longer runs", () => {
    const dir = fresh();
    writeFileSync(join(dir, "relaypost.pid"), "2147483646");
    const unlock = lockDataDir(dir);
    expect(readFileSync(join(dir, "relaypost.pid"), "utf8")).toBe(String(process.pid));
    unlock();
  });
});
