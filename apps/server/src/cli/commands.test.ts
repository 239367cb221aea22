import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../main.ts", import.meta.url));
const tsx = fileURLToPath(new URL("../../node_modules/tsx/dist/cli.mjs", import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe("relaypost CLI", () => {
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "relaypost-cli-"));
    const onPostgres = Boolean(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL);
    if (onPostgres) {
      database = await createTestDatabase();
      await database.close();
    }
    env = { PATH: process.env.PATH, DATA_DIR: dataDir, ...(database?.url ? { DATABASE_URL: database.url } : {}) };
  });
  afterAll(async () => {
    await database?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) =>
    new Promise<Result>((resolve) => {
      execFile(process.execPath, [tsx, main, ...args], { env }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it("applies migrations", async () => {
    const result = await cli("migrate");
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain("Migrations applied");
  });

  it("creates an organization and prints its id and slug as JSON", async () => {
    const result = await cli(
      "org",
      "create",
      "--name",
      "Acme Mail",
      "--owner-email",
      "owner@acme.test",
      "--owner-password",
      "acme-password-1",
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ id: expect.any(String), slug: "acme-mail", name: "Acme Mail" });
  });

  it("creates an API key by slug and prints the token alone on the last line", async () => {
    const result = await cli("api-key", "create", "--org", "acme-mail", "--name", "billing", "--role", "viewer");
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines.at(-1)).toMatch(/^rpkey_[A-Za-z0-9]{43}$/);
  });

  it.each([
    [["org", "create", "--name", "No Owner"], /Missing --owner-email/],
    [["org", "create", "--name", "X", "--owner-email", "not-an-email", "--owner-password", "long-password"], /email/],
    [["org", "create", "--name", "X", "--owner-email", "x@y.test", "--owner-password", "short"], /at least 10/],
    [["api-key", "create", "--org", "no-such-org", "--name", "k"], /No organization/],
    [
      ["api-key", "create", "--org", "acme-mail", "--name", "k", "--role", "superuser"],
      /--role must be admin or viewer/,
    ],
    [["frobnicate"], /Unknown command/],
  ])("exits non-zero with a clear message for %j", async (args, message) => {
    const result = await cli(...args);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
  });
});
