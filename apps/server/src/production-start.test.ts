import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CSRF_HEADER, ORGANIZATION_HEADER } from "@relaypost/contract";
import { createTestDatabase, type TestDatabase, testServerUrl } from "@relaypost/db/testing";
import nodemailer from "nodemailer";
import superjson from "superjson";
import { afterEach, describe, expect, it } from "vitest";
import { threadpoolSize } from "./threadpool";

/**
 * What `pnpm build` left in apps/server/dist, or a release directory made by `pnpm deploy --prod` (CI points
 * RELAYPOST_RELEASE_DIR at one). Nothing is built here; the root `pnpm test` builds first.
 */
const distDir = process.env.RELAYPOST_RELEASE_DIR
  ? join(process.env.RELAYPOST_RELEASE_DIR, "dist")
  : fileURLToPath(new URL("../dist", import.meta.url));
const entry = join(distDir, "main.cjs");

interface Started {
  child: ChildProcess;
  pid: number;
  http: string;
  smtpPort: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `node dist/main.cjs serve` with nothing but PATH and the server's own settings in its environment. */
async function startBuilt(extraEnv: Record<string, string> = {}): Promise<Started> {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`pnpm build\` first`);
  const dataDir = mkdtempSync(join(tmpdir(), "relaypost-prod-"));
  let database: TestDatabase | undefined;
  if (testServerUrl) {
    database = await createTestDatabase();
    await database.close();
  }
  const child = spawn(process.execPath, [entry, "serve"], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      PORT: "0",
      SMTP_PORT: "0",
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
    await database?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const { http, smtpPort } = await new Promise<{ http: string; smtpPort: number }>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const httpMatch = /HTTP listening on (http:\/\/[^\s]+)/.exec(stdout);
      const smtpMatch = /SMTP listening on [^:\s]+:(\d+)/.exec(stdout);
      if (httpMatch?.[1] && smtpMatch?.[1]) resolve({ http: httpMatch[1], smtpPort: Number(smtpMatch[1]) });
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${stdout}${stderr}`)));
  });
  return { child, pid: child.pid ?? 0, http, smtpPort, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Signs up through the HTTP API, creates an SMTP credential and logs in with it over SMTP (STARTTLS). */
async function signUpAndLogInOverSmtp(server: Started): Promise<void> {
  const mutation = async (path: string, input: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.http}/trpc/${path}`, {
      method: "POST",
      body: JSON.stringify(superjson.serialize(input)),
      headers: { "content-type": "application/json", [CSRF_HEADER]: "1", ...headers },
    });
    expect(response.status).toBe(200);
    return response;
  };
  const account = { email: "owner@example.com", password: "owner-password-1" };
  await mutation("auth.signUp", { ...account, organizationName: "Acme" });
  const signedIn = await mutation("auth.signIn", account);
  const cookie = signedIn.headers.get("set-cookie")?.split(";")[0] ?? "";
  const me = (await (await fetch(`${server.http}/trpc/auth.me`, { headers: { cookie } })).json()) as {
    result: { data: { json: { organizations: Array<{ id: string }> } } };
  };
  const organization = me.result.data.json.organizations[0]?.id ?? "";
  const created = (await (
    await mutation("smtpCredentials.create", { username: "app_one" }, { cookie, [ORGANIZATION_HEADER]: organization })
  ).json()) as { result: { data: { json: { password: string } } } };
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: server.smtpPort,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth: { user: "app_one", pass: created.result.data.json.password },
  });
  try {
    expect(await transport.verify()).toBe(true);
  } finally {
    transport.close();
  }
}

const threadCount = (pid: number) => readdirSync(`/proc/${pid}/task`).length;

/** Processes started by `pid`, from every thread's children list (Linux). */
const childProcesses = (pid: number) =>
  readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(" ").filter(Boolean),
  );

// Each test starts whole servers (a fresh embedded database takes seconds to create), hence their own time limits.
describe("the built server started with node", () => {
  it("serves an SMTP login for a credential made over HTTP, then drains on SIGTERM and exits 0 silently", async () => {
    const server = await startBuilt();
    await signUpAndLogInOverSmtp(server);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toContain("SIGTERM received; shutting down");
    expect(server.stderr()).toBe("");
  }, 120_000);

  // libuv names no threads on Node 20, so the pool is measured against the same server with a pool of one thread.
  it.runIf(process.platform === "linux")(
    "is one process whose libuv pool has threadpoolSize() threads",
    async () => {
      const [sized, reference] = await Promise.all([startBuilt(), startBuilt({ UV_THREADPOOL_SIZE: "1" })]);
      // An SMTP login hashes with argon2 on the pool, so both pools have started.
      await Promise.all([signUpAndLogInOverSmtp(sized), signUpAndLogInOverSmtp(reference)]);

      expect(childProcesses(sized.pid)).toEqual([]);
      expect(threadCount(sized.pid) - threadCount(reference.pid)).toBe(threadpoolSize() - 1);
    },
    120_000,
  );
});
