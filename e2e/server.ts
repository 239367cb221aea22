import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createTestDatabase } from "@relaypost/db/testing";

const repoRoot = resolve(import.meta.dirname, "..");

export interface RunningServer {
  baseUrl: string;
  smtpPort: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** A fresh PostgreSQL database when the environment names a server, so runs never share state; else PGlite. */
async function freshDatabase(): Promise<{ url: string | undefined; drop: () => Promise<void> }> {
  const serverUrl = process.env.E2E_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!serverUrl) return { url: undefined, drop: async () => {} };
  const database = await createTestDatabase(serverUrl);
  // The server applies migrations itself; this handle only owns the database's creation and removal.
  await database.close();
  return { url: database.url, drop: () => database.destroy() };
}

async function waitUntilReady(url: string, server: ChildProcess, output: () => string) {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`Server exited with ${server.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Server not ready within 3 minutes:\n${output()}`);
}

/**
 * The real server on free ports with a data directory and database of its own, started by `script` (`start` builds
 * the dashboard first, exactly as users run it; `relaypost serve` only serves what is built). `env` adds settings
 * such as RELAY_URL.
 */
export async function startServer(
  options: { script?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningServer> {
  const [port, smtpPort] = [await freePort(), await freePort()];
  const dataDir = await mkdtemp(join(tmpdir(), "relaypost-e2e-"));
  const database = await freshDatabase();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    SMTP_PORT: String(smtpPort),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    ...options.env,
  };
  if (database.url) env.DATABASE_URL = database.url;
  else delete env.DATABASE_URL;

  const script = options.script ?? ["start"];
  const server = spawn("pnpm", script, { cwd: repoRoot, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  server.stdout?.on("data", keep);
  server.stderr?.on("data", keep);

  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(baseUrl, server, () => log);
  } catch (error) {
    if (server.pid) process.kill(-server.pid, "SIGKILL");
    throw error;
  }
  return {
    baseUrl,
    smtpPort,
    async stop() {
      if (server.pid && server.exitCode === null) {
        const exited = new Promise((r) => server.once("exit", r));
        process.kill(-server.pid, "SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (server.exitCode === null) process.kill(-server.pid, "SIGKILL");
      }
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
