import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createCore, openDatabase } from "@relaypost/core";
import { createTestDatabase, type TestDatabase, testServerUrl } from "@relaypost/db/testing";
import { startUpstreamSink, type UpstreamSink } from "@relaypost/smtp/upstream-sink";
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
    if (testServerUrl) {
      database = await createTestDatabase();
      await database.close();
    }
    env = {
      PATH: process.env.PATH,
      UV_THREADPOOL_SIZE: "4",
      DATA_DIR: dataDir,
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
    };
  });
  afterAll(async () => {
    await database?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs the CLI with `input` as its whole standard input (none unless given) and `extraEnv` added. */
  const cliWith = (args: string[], input = "", extraEnv: NodeJS.ProcessEnv = {}) =>
    new Promise<Result>((resolve) => {
      const child = execFile(
        process.execPath,
        [tsx, main, ...args],
        { env: { ...env, ...extraEnv } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end(input);
    });
  const cli = (...args: string[]) => cliWith(args);
  const orgCreate = (name: string, email: string) => ["org", "create", "--name", name, "--owner-email", email];

  /** Signs in through the database the CLI wrote, after it exited: proves which password it stored. */
  async function signIn(email: string, password: string) {
    const database = await openDatabase({ dataDir, url: env.DATABASE_URL });
    try {
      return await createCore({ db: database.db }).users.signIn(email, password, null);
    } finally {
      await database.close();
    }
  }

  describe("relay test", () => {
    let sink: UpstreamSink;
    beforeAll(async () => {
      sink = await startUpstreamSink({ auth: { user: "relaypost", pass: "right-upstream-pw" } });
    });
    afterAll(() => sink.close());

    const relayTest = (url?: string) => cliWith(["relay", "test"], "", url ? { RELAY_URL: url } : {});

    it("reports that the upstream accepts the connection (STARTTLS) and the login", async () => {
      const result = await relayTest(sink.url);
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(result.stdout).toContain(
        `Upstream relaypost@127.0.0.1:${sink.port} (STARTTLS required, certificate not verified): connection and login accepted`,
      );
    });

    it("reports the upstream's refusal of the login, without the password, and fails", async () => {
      const result = await relayTest(`smtp://relaypost:wrong-upstream-pw@127.0.0.1:${sink.port}?tlsVerify=false`);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/refused at AUTH PLAIN: 535 5\.7\.8 Authentication failed/);
      expect(result.stdout + result.stderr).not.toContain("wrong-upstream-pw");
    });

    it("says mail is stored, not relayed, when RELAY_URL is not set", async () => {
      const result = await relayTest();
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("RELAY_URL is not set: accepted messages are stored, not relayed");
    });
  });

  it("applies migrations", async () => {
    const result = await cli("migrate");
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain("Migrations applied");
  });

  it("creates an organization with the owner's password read from standard input, and prints its id and slug", async () => {
    const result = await cliWith(orgCreate("Acme Mail", "owner@acme.test"), "acme-password-1\n");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ id: expect.any(String), slug: "acme-mail", name: "Acme Mail" });
    expect(await signIn("owner@acme.test", "acme-password-1")).toMatchObject({ ok: true });
  });

  it("takes the owner's password from RELAYPOST_OWNER_PASSWORD when set, ignoring standard input", async () => {
    const result = await cliWith(orgCreate("Env Mail", "owner@env.test"), "not-this-one\n", {
      RELAYPOST_OWNER_PASSWORD: "env-password-1",
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ slug: "env-mail" });
    expect(await signIn("owner@env.test", "env-password-1")).toMatchObject({ ok: true });
    expect(await signIn("owner@env.test", "not-this-one")).toMatchObject({ ok: false });
  });

  it("refuses --owner-password on the command line, says what to do instead, and creates nothing", async () => {
    const result = await cli(...orgCreate("Argv Mail", "owner@argv.test"), "--owner-password", "argv-password-1");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--owner-password is refused/);
    expect(result.stderr).toMatch(/RELAYPOST_OWNER_PASSWORD/);
    expect(result.stderr).toMatch(/standard input/);
    expect(result.stdout).toBe("");
    const again = await cliWith(orgCreate("Argv Mail", "owner@argv.test"), "argv-password-2\n");
    expect(JSON.parse(again.stdout)).toMatchObject({ slug: "argv-mail" });
  });

  it("creates an API key by slug and prints the token alone on the last line", async () => {
    expect((await cliWith(orgCreate("Key Mail", "owner@key.test"), "key-password-1\n")).code).toBe(0);
    const result = await cli("api-key", "create", "--org", "key-mail", "--name", "billing", "--role", "viewer");
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines.at(-1)).toMatch(/^rpkey_[A-Za-z0-9]{43}$/);
  });

  it.each([
    [["org", "create", "--name", "No Owner"], "long-password\n", /Missing --owner-email/],
    [orgCreate("X", "not-an-email"), "long-password\n", /email/],
    [orgCreate("X", "x@y.test"), "short\n", /at least 10/],
    [orgCreate("X", "x@y.test"), "", /No owner password given/],
    [["api-key", "create", "--org", "no-such-org", "--name", "k"], "", /No organization/],
    [
      ["api-key", "create", "--org", "acme-mail", "--name", "k", "--role", "superuser"],
      "",
      /--role must be admin or viewer/,
    ],
    [["frobnicate"], "", /Unknown command/],
  ])("exits non-zero with a clear message for %j (standard input %j)", async (args, input, message) => {
    const result = await cliWith(args, input);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
  });

  describe("operator commands on a stopped data dir", () => {
    const json = async (...args: string[]) => {
      const result = await cli(...args, "--json");
      expect(result).toMatchObject({ code: 0, stderr: "" });
      return JSON.parse(result.stdout);
    };

    beforeAll(async () => {
      expect((await cliWith(orgCreate("Ops Mail", "owner@ops.test"), "ops-password-1\n")).code).toBe(0);
    });

    it("prints the server package's version", async () => {
      expect(await cli("--version")).toMatchObject({ code: 0, stdout: "0.1.0\n" });
    });

    it("creates, lists, deactivates (by username) and activates (by id) a credential", async () => {
      const created = await json("credentials", "create", "--org", "ops-mail", "--username", "app_ops");
      expect(created).toMatchObject({
        credential: { username: "app_ops", active: true },
        password: expect.any(String),
      });
      expect(await json("credentials", "list", "--org", "ops-mail")).toEqual([
        expect.objectContaining({ id: created.credential.id }),
      ]);
      expect(await json("credentials", "deactivate", "--org", "ops-mail", "app_ops")).toMatchObject({ active: false });
      expect(await json("credentials", "activate", "--org", "ops-mail", created.credential.id)).toMatchObject({
        active: true,
      });
    });

    it("regenerates a credential's password and deletes it, then finds it no more", async () => {
      const created = await json("credentials", "create", "--org", "ops-mail", "--username", "app_gone");
      const regenerated = await json("credentials", "regenerate", "--org", "ops-mail", "app_gone");
      expect(regenerated.password).not.toBe(created.password);
      expect(await json("credentials", "delete", "--org", "ops-mail", "app_gone")).toEqual({
        id: created.credential.id,
        deleted: true,
      });
      expect((await cli("credentials", "delete", "--org", "ops-mail", "app_gone")).code).toBe(3);
    });

    it("revokes an API key by the prefix the list shows, and calls a second revoke a conflict", async () => {
      const { apiKey } = await json("api-keys", "create", "--org", "ops-mail", "--name", "deploy");
      expect(await json("api-keys", "list", "--org", "ops-mail")).toEqual([
        expect.objectContaining({ id: apiKey.id, revokedAt: null }),
      ]);
      expect((await cli("api-keys", "revoke", "--org", "ops-mail", apiKey.prefix)).code).toBe(0);
      const again = await cli("api-keys", "revoke", "--org", "ops-mail", apiKey.prefix);
      expect(again.code).toBe(4);
      expect(again.stderr).toMatch(/already revoked/);
    });

    it("creates an organization for an existing account, and refuses an unknown one as not found", async () => {
      const second = await json("orgs", "create", "--name", "Ops Two", "--owner-email", "OWNER@ops.test");
      expect(second).toMatchObject({ slug: "ops-two" });
      const unknown = await cli("orgs", "create", "--name", "Ops Three", "--owner-email", "nobody@ops.test");
      expect(unknown.code).toBe(3);
      expect(unknown.stderr).toMatch(/--new-owner/);
      const slugs = (await json("orgs", "list")).map((o: { slug: string }) => o.slug);
      expect(slugs).toEqual(expect.arrayContaining(["ops-mail", "ops-two"]));
      expect(slugs).not.toContain("ops-three");
    });

    it("resets a user's password from standard input, and refuses an unknown email as not found", async () => {
      const reset = await cliWith(["users", "reset-password", "--email", "owner@ops.test"], "ops-password-2\n");
      expect(reset).toMatchObject({ code: 0, stderr: "" });
      expect(reset.stdout).not.toContain("ops-password-2");
      expect(await signIn("owner@ops.test", "ops-password-2")).toMatchObject({ ok: true });
      expect(await signIn("owner@ops.test", "ops-password-1")).toMatchObject({ ok: false });
      const unknown = await cliWith(["users", "reset-password", "--email", "nobody@ops.test"], "ops-password-3\n");
      expect(unknown.code).toBe(3);
    });

    it("exits 5 when the database cannot be reached", async () => {
      const result = await cliWith(["orgs", "list"], "", { DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
      expect(result).toMatchObject({ code: 5, stdout: "" });
      expect(result.stderr).toMatch(/database at DATABASE_URL \(postgres:\/\/…@127.0.0.1:1\/none\): .*ECONNREFUSED/);
    });
  });
});
