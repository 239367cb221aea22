import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase, testServerUrl } from "@relaypost/db/testing";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "./exit-codes";
import { cliSocketPath } from "./socket";
import { runCli, serveCommand } from "./testing";

/**
 * The CLI beside a running server on the same DATA_DIR, both their own processes as an operator runs them. With
 * embedded PGlite the server holds the database, so every command that succeeds here went through its socket.
 */
describe("the CLI while the server runs", () => {
  let server: ChildProcess;
  let exited: Promise<unknown>;
  let dataDir: string;
  let database: TestDatabase | undefined;
  let env: NodeJS.ProcessEnv;
  let smtpPort = 0;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "relaypost-beside-"));
    if (testServerUrl) {
      database = await createTestDatabase();
      await database.close();
    }
    env = { PATH: process.env.PATH, DATA_DIR: dataDir, ...(database?.url ? { DATABASE_URL: database.url } : {}) };
    server = spawn(serveCommand.command, serveCommand.args, {
      env: { ...env, UV_THREADPOOL_SIZE: "4", PORT: "0", SMTP_PORT: "0", LOG_FORMAT: "json" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    exited = new Promise((resolve) => server.once("exit", resolve));
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const smtp = /SMTP listening on [^:\s]+:(\d+)/.exec(output);
        if (smtp?.[1] && output.includes("CLI socket listening on")) {
          smtpPort = Number(smtp[1]);
          resolve();
        }
      };
      server.stdout?.on("data", onData);
      server.stderr?.on("data", onData);
      server.once("exit", (code) => reject(new Error(`server exited with ${code}: ${output}`)));
    });
  });
  afterAll(async () => {
    if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
    await exited;
    await database?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => runCli(args, env);

  async function smtpLogin(user: string, pass: string): Promise<boolean> {
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: smtpPort,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user, pass },
    });
    try {
      return await transport.verify();
    } catch {
      return false;
    } finally {
      transport.close();
    }
  }

  it("offers its socket in DATA_DIR to its own user only (mode 0600)", () => {
    const stat = statSync(cliSocketPath(dataDir));
    expect(stat.isSocket()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o600);
  });

  it("creates an organization and a credential in the running server, which takes a login with it at once", async () => {
    const org = await runCli(
      ["orgs", "create", "--new-owner", "--name", "Beside", "--owner-email", "o@beside.test"],
      env,
      "beside-password-1\n",
    );
    expect(org.code).toBe(EXIT.ok);
    expect(JSON.parse(org.stdout)).toMatchObject({ slug: "beside" });

    const created = await cli("credentials", "create", "--org", "beside", "--username", "app_beside", "--json");
    expect(created).toMatchObject({ code: EXIT.ok, stderr: "" });
    const { credential, password } = JSON.parse(created.stdout) as { credential: { id: string }; password: string };
    expect(await smtpLogin("app_beside", password)).toBe(true);

    expect((await cli("credentials", "deactivate", "--org", "beside", "app_beside")).code).toBe(EXIT.ok);
    expect(await smtpLogin("app_beside", password)).toBe(false);
    const listed = await cli("credentials", "list", "--org", "beside", "--json");
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: credential.id, active: false })]);
  });

  it("exits with the documented code for each refusal the server reports", async () => {
    const missing = await cli("credentials", "list", "--org", "no-such-org");
    expect(missing).toMatchObject({ code: EXIT.notFound, stdout: "" });
    expect(missing.stderr).toMatch(/No organization with id or slug "no-such-org"/);
    expect((await cli("credentials", "create", "--org", "beside", "--username", "app_beside")).code).toBe(
      EXIT.conflict,
    );
    const short = await runCli(["users", "reset-password", "--email", "o@beside.test"], env, "short\n");
    expect(short).toMatchObject({ code: EXIT.usage });
    expect(short.stderr).toMatch(/at least 10/);
  });

  it.skipIf(testServerUrl)("says the embedded database is unavailable to a command that must open it", async () => {
    const migrate = await cli("migrate");
    expect(migrate.code).toBe(EXIT.unavailable);
    expect(migrate.stderr).toMatch(/is in use by process/);
  });

  it("opens the database itself once the server is gone, past the socket file a crash leaves", async () => {
    server.kill("SIGKILL");
    await exited;
    expect(existsSync(cliSocketPath(dataDir))).toBe(true);
    const listed = await cli("credentials", "list", "--org", "beside");
    expect(listed).toMatchObject({ code: EXIT.ok, stderr: "" });
    expect(listed.stdout).toMatch(/^app_beside {2}inactive {2}/);
  });
});
