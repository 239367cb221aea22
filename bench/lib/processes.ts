import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createTestDatabase, freePort } from "@relaypost/db/testing";
import { threadpoolSize } from "@relaypost/server";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  httpPort: number;
  smtpPort: number;
  url: string;
  /** Resident set size in MiB, from /proc. */
  rssMiB(): number;
  stop(): Promise<void>;
}

/**
 * Starts `relaypost serve` as its own process and waits until it is ready: from the TypeScript sources through tsx
 * by default, or `built`, the production bundle (`pnpm build` first) run by node as `pnpm start:prod` runs it.
 */
export async function startServerProcess(
  env: Record<string, string>,
  { built = false }: { built?: boolean } = {},
): Promise<ServerProcess> {
  const httpPort = await freePort();
  const smtpPort = await freePort();
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to see where a server's time goes.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const entry = built ? ["apps/server/dist/main.cjs"] : ["--import", "tsx", "apps/server/src/main.ts"];
  const child = spawn(process.execPath, [...nodeArgs, ...entry, "serve"], {
    cwd: repoRoot,
    // Sized as `relaypost serve` sizes it, so the server runs directly rather than relaunching itself.
    env: {
      PATH: process.env.PATH,
      PORT: String(httpPort),
      SMTP_PORT: String(smtpPort),
      UV_THREADPOOL_SIZE: String(threadpoolSize()),
      // The benches measure the login path, compared with a bare server in plaintext; TLS is measured on its own.
      SMTP_ALLOW_INSECURE_LOOPBACK_AUTH: "true",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${httpPort}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (attempt > 600) throw new Error("server did not become ready");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    httpPort,
    smtpPort,
    url,
    rssMiB: () => rssMiB(child),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A child process's resident set size in MiB, from /proc. */
function rssMiB(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * A baseline server of the benches (`script` under bench/lib, run through tsx) that prints its port on stdout once
 * listening; `stop` ends it with SIGTERM and waits for it to exit.
 */
export async function startBaseline(script: string, args: string[] = []) {
  const child = spawn(process.execPath, ["--import", "tsx", `bench/lib/${script}`, ...args], {
    cwd: repoRoot,
    env: { ...process.env, UV_THREADPOOL_SIZE: String(threadpoolSize()) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve) => child.stdout?.once("data", (d: Buffer) => resolve(Number(d))));
  return {
    child,
    port,
    rssMiB: () => rssMiB(child),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * The database a bench's server process will open: a fresh one on the PostgreSQL server at `postgresUrl` (its URL,
 * and `drop` to remove it afterwards), or none, so the server uses embedded PGlite.
 */
export async function serverDatabase(postgresUrl: string | undefined) {
  if (!postgresUrl) return { url: undefined, drop: async () => {} };
  const database = await createTestDatabase(postgresUrl);
  // The server process opens its own connections; this handle only keeps the right to drop the database.
  await database.close();
  return { url: database.url, drop: () => database.destroy() };
}
