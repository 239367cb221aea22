import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DatabaseConnectError } from "@relaypost/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Config, loadConfig } from "./config";
import { startServer } from "./server";
import { StartupError } from "./startup-error";

const main = fileURLToPath(new URL("main.ts", import.meta.url));
const tsx = fileURLToPath(new URL("../node_modules/tsx/dist/cli.mjs", import.meta.url));

/** A TCP port held by something else for the test's duration; `silent` accepts connections and never answers. */
async function occupiedPort(): Promise<{ port: number; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { port: address.port, server, sockets };
}

async function release(held: Awaited<ReturnType<typeof occupiedPort>>): Promise<void> {
  for (const socket of held.sockets) socket.destroy();
  await new Promise<void>((resolve) => held.server.close(() => resolve()));
}

/** A port nothing listens on: taken from the system, then given back. */
async function closedPort(): Promise<number> {
  const held = await occupiedPort();
  await release(held);
  return held.port;
}

const baseConfig = (overrides: Partial<Config>): Config => ({
  ...loadConfig({}),
  PORT: 0,
  SMTP_PORT: 0,
  DATA_DIR: "memory://",
  ...overrides,
});

async function startupError(config: Config, options?: Parameters<typeof startServer>[1]): Promise<StartupError> {
  const error = await startServer(config, options).then(
    async (server) => {
      await server.close();
      return new Error("the server started");
    },
    (error: unknown) => error,
  );
  if (!(error instanceof StartupError)) throw error;
  return error;
}

describe("a start-up that fails names the setting to fix", () => {
  const held: Array<Awaited<ReturnType<typeof occupiedPort>>> = [];
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "relaypost-startup-"));
  });
  afterEach(async () => {
    await Promise.all(held.splice(0).map(release));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function hold() {
    const port = await occupiedPort();
    held.push(port);
    return port;
  }

  it("DATABASE_URL, when PostgreSQL accepts the connection and never answers: a timeout, with the password masked", async () => {
    const silent = await hold();
    const url = `postgres://relaypost:hunter2-secret@127.0.0.1:${silent.port}/relaypost?password=hunter2-secret`;
    const error = await startupError(baseConfig({ DATABASE_URL: url }), { databaseConnectTimeoutMs: 300 });
    expect(error.variable).toBe("DATABASE_URL");
    expect(error.cause).toBeInstanceOf(DatabaseConnectError);
    expect((error.cause as DatabaseConnectError).timedOut).toBe(true);
    expect(error.message).toBe(
      `Cannot reach the database at DATABASE_URL (postgres://…@127.0.0.1:${silent.port}/relaypost) within 0.3 s: ` +
        "check the host and port, or unset DATABASE_URL to use embedded PGlite",
    );
    expect(error.message).not.toContain("hunter2");
  });

  it("DATABASE_URL, when nothing listens at its port: refused", async () => {
    const port = await closedPort();
    const error = await startupError(baseConfig({ DATABASE_URL: `postgres://relaypost@127.0.0.1:${port}/relaypost` }));
    expect(error.variable).toBe("DATABASE_URL");
    expect((error.cause as DatabaseConnectError).timedOut).toBe(false);
    expect(error.message).toMatch(
      /^Cannot connect to the database at DATABASE_URL \(postgres:\/\/…@127\.0\.0\.1:\d+\/relaypost\): .*ECONNREFUSED/,
    );
  });

  it("SMTP_PORT, PORT and SMTPS_PORT, each when another process has it", async () => {
    const taken = await hold();
    const smtp = await startupError(baseConfig({ SMTP_PORT: taken.port }));
    expect(smtp.variable).toBe("SMTP_PORT");
    expect(smtp.message).toBe(
      `SMTP_PORT ${taken.port} is already in use (EADDRINUSE): stop the other process or set SMTP_PORT`,
    );
    const http = await startupError(baseConfig({ PORT: taken.port }));
    expect(http.message).toBe(`PORT ${taken.port} is already in use (EADDRINUSE): stop the other process or set PORT`);
    const smtps = await startupError(baseConfig({ SMTPS_PORT: taken.port }));
    expect(smtps.message).toBe(
      `SMTPS_PORT ${taken.port} is already in use (EADDRINUSE): stop the other process or set SMTPS_PORT`,
    );
  });

  it("closes what it had started: the SMTP listener's port is free again when HTTP's was taken", async () => {
    const taken = await hold();
    const smtpPort = await closedPort();
    await startupError(baseConfig({ PORT: taken.port, SMTP_PORT: smtpPort }));
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(smtpPort, "127.0.0.1", resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("SMTP_TLS_CERT and SMTP_TLS_KEY, when a file is missing or not PEM", async () => {
    const cert = join(dir, "cert.pem");
    const key = join(dir, "missing-key.pem");
    writeFileSync(cert, "not a certificate");
    const invalid = await startupError(baseConfig({ SMTP_TLS_CERT: cert, SMTP_TLS_KEY: key }));
    expect(invalid.variable).toBe("SMTP_TLS_CERT");
    expect(invalid.message).toBe(
      `SMTP_TLS_CERT ${cert} is not a PEM certificate: point SMTP_TLS_CERT at the PEM-encoded certificate`,
    );

    const generated = join(dir, "generated");
    const { loadTlsMaterial } = await import("@relaypost/smtp");
    writeFileSync(cert, (await loadTlsMaterial({ dataDir: generated })).cert);
    const missing = await startupError(baseConfig({ SMTP_TLS_CERT: cert, SMTP_TLS_KEY: key }));
    expect(missing.variable).toBe("SMTP_TLS_KEY");
    expect(missing.message).toBe(
      `SMTP_TLS_KEY ${key} cannot be read (ENOENT): check the path and that this user may read it`,
    );

    const alone = await startupError(baseConfig({ SMTP_TLS_CERT: cert }));
    expect(alone.variable).toBe("SMTP_TLS_KEY");
  });
});

describe("`relaypost serve` that cannot start", () => {
  let child: ChildProcess | undefined;
  // Only when the test failed: a server that hangs must not outlive it (SIGTERM, which tsx and the relauncher pass on).
  afterAll(() => {
    if (child?.exitCode === null) child.kill("SIGTERM");
  });

  it("prints what to fix and exits with status 1, with nothing left running", async () => {
    const taken = await occupiedPort();
    const dataDir = mkdtempSync(join(tmpdir(), "relaypost-startup-serve-"));
    try {
      child = spawn(process.execPath, [tsx, main, "serve"], {
        env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: "0", SMTP_PORT: String(taken.port) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      // Exiting at all is the point: the database it had opened must not keep it alive.
      const exited = child;
      const code = await new Promise<number | null>((resolve) => exited.once("exit", resolve));
      expect(stderr).toContain(
        `relaypost: SMTP_PORT ${taken.port} is already in use (EADDRINUSE): stop the other process or set SMTP_PORT`,
      );
      expect(code).toBe(1);
    } finally {
      await release(taken);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
