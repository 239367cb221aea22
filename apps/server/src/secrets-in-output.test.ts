import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CSRF_HEADER, ORGANIZATION_HEADER } from "@relaypost/contract";
import { openDatabase } from "@relaypost/core";
import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase, testServerUrl } from "@relaypost/db/testing";
import { RawSmtpClient } from "@relaypost/smtp/testing";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("main.ts", import.meta.url));
const tsx = fileURLToPath(new URL("../node_modules/tsx/dist/cli.mjs", import.meta.url));

/**
 * The server started the way operators start it (`relaypost serve`, its own process), so that what is checked is
 * everything it writes to standard output and error: its own log lines, its fault logger and whatever a library
 * prints. Nothing inside the process is replaced or observed.
 */
describe("no secret reaches the server's standard output or error", () => {
  let child: ChildProcess;
  let output = "";
  let stdout = "";
  let exited: Promise<number | null>;
  let dataDir: string;
  let database: TestDatabase | undefined;
  let http = "";
  let smtpPort = 0;
  const secrets = new Set<string>();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "relaypost-secrets-"));
    if (testServerUrl) {
      database = await createTestDatabase();
      await database.close();
    }
    child = spawn(process.execPath, [tsx, main, "serve"], {
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dataDir,
        PORT: "0",
        SMTP_PORT: "0",
        SMTP_ALLOW_INSECURE_LOOPBACK_AUTH: "true",
        ...(database?.url ? { DATABASE_URL: database.url } : {}),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    exited = new Promise((resolve) => child.once("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const httpMatch = /HTTP listening on (http:\/\/[^\s]+)/.exec(output);
        const smtpMatch = /SMTP listening on [^:\s]+:(\d+)/.exec(output);
        if (httpMatch?.[1] && smtpMatch?.[1]) {
          http = httpMatch[1];
          smtpPort = Number(smtpMatch[1]);
          resolve();
        }
      };
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${output}`)));
    });
  });
  afterAll(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
    await database?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A tRPC mutation over HTTP as the dashboard sends it; the answer's body and Set-Cookie. */
  async function mutation(path: string, input: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${http}/trpc/${path}`, {
      method: "POST",
      body: JSON.stringify(superjson.serialize(input)),
      headers: { "content-type": "application/json", [CSRF_HEADER]: "1", ...headers },
    });
    const body = (await response.json()) as { result?: { data: { json: unknown } } };
    return { status: response.status, data: body.result?.data.json, setCookie: response.headers.get("set-cookie") };
  }

  /** One AUTH over a fresh connection: PLAIN, or LOGIN. */
  async function smtpLogin(mechanism: "plain" | "login", username: string, password: string): Promise<string> {
    const client = await RawSmtpClient.connect(smtpPort);
    await client.command("EHLO app.example");
    const reply =
      mechanism === "plain" ? await client.authPlain(username, password) : await client.authLogin(username, password);
    client.destroy();
    return reply?.text ?? "closed";
  }

  it("through sign-up, sign-ins, credentials, API keys and SMTP logins that succeed and fail", async () => {
    const account = { email: "owner@example.com", password: "owner-password-1" };
    secrets.add(account.password);
    expect((await mutation("auth.signUp", { ...account, organizationName: "Acme" })).status).toBe(200);
    secrets.add("wrong-password-1");
    expect((await mutation("auth.signIn", { ...account, password: "wrong-password-1" })).status).toBe(401);
    const signedIn = await mutation("auth.signIn", account);
    const cookie = signedIn.setCookie?.split(";")[0] ?? "";
    secrets.add(cookie.split("=")[1] ?? "missing");
    const me = (await (await fetch(`${http}/trpc/auth.me`, { headers: { cookie } })).json()) as {
      result: { data: { json: { organizations: Array<{ id: string }> } } };
    };
    const organization = me.result.data.json.organizations[0]?.id ?? "";
    const asOwner = { cookie, [ORGANIZATION_HEADER]: organization };

    const created = (await mutation("smtpCredentials.create", { username: "app_one" }, asOwner)).data as {
      credential: { id: string };
      password: string;
    };
    secrets.add(created.password);
    const regenerated = (await mutation("smtpCredentials.regeneratePassword", { id: created.credential.id }, asOwner))
      .data as { password: string };
    secrets.add(regenerated.password);
    const key = (await mutation("apiKeys.create", { name: "ci", role: "admin" }, asOwner)).data as { token: string };
    secrets.add(key.token);
    const refused = await fetch(`${http}/trpc/smtpCredentials.list`, {
      headers: { authorization: `Bearer ${key.token}x` },
    });
    expect(refused.status).toBe(401);

    // Fewer failures than the throttle lets through undelayed: the throttle's replies are in packages/smtp's test.
    expect(await smtpLogin("plain", "app_one", regenerated.password)).toMatch(/^235 /);
    expect(await smtpLogin("login", "app_one", regenerated.password)).toMatch(/^235 /);
    for (const password of [created.password, `${regenerated.password}x`])
      expect(await smtpLogin("plain", "app_one", password)).toMatch(/^535 /);
    expect(await smtpLogin("login", "wrong_user", regenerated.password)).toMatch(/^535 /);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    // The process wrote what it writes: its start-up and shutdown lines prove the capture sees its output.
    expect(output).toContain("HTTP listening on");
    expect(output).toContain("shutting down");
    // Its log is JSON lines with levels; each refused login and the revocation by regenerate is one line.
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { level: number; msg: string; [field: string]: unknown });
    expect(lines.every((line) => typeof line.level === "number" && line.service === "relaypost")).toBe(true);
    const refusals = lines.filter((line) => line.msg === "SMTP login refused");
    expect(refusals.map((line) => [line.username, line.reason, line.level])).toEqual([
      ["app_one", "bad_password", 30],
      ["app_one", "malformed_password", 30],
      ["wrong_user", "username_mismatch", 30],
    ]);
    expect(new Set(refusals.map((line) => line.sessionId)).size).toBe(3);
    expect(lines.filter((line) => line.msg === "access revoked")).toContainEqual(
      expect.objectContaining({ revocation: "credential", credentialId: created.credential.id }),
    );

    const stored = await openDatabase({ dataDir, url: database?.url });
    try {
      const tables = [
        [schema.users, schema.users.passwordHash],
        [schema.smtpCredentials, schema.smtpCredentials.passwordHash],
        [schema.apiKeys, schema.apiKeys.tokenHash],
        [schema.sessions, schema.sessions.tokenHash],
      ] as const;
      for (const [table, column] of tables)
        for (const { hash } of await stored.db.select({ hash: column }).from(table)) secrets.add(hash);
    } finally {
      await stored.close();
    }
    expect(secrets.size).toBeGreaterThanOrEqual(10);
    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(output).not.toMatch(/\$argon2|rpsmtp_[a-z0-9]{12}_|rpkey_[A-Za-z0-9]{20}/);
  });
});
