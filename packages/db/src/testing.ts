import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { createDatabase, type DatabaseHandle } from "./client";

/**
 * The PostgreSQL server tests run against, when TEST_DATABASE_URL names one; otherwise tests use in-memory PGlite.
 * Never DATABASE_URL: that names a real server's database, where tests would create and drop databases.
 */
export const testServerUrl = process.env.TEST_DATABASE_URL || undefined;

export interface TestDatabase extends DatabaseHandle {
  /** The postgres:// URL of this test's own database, when running on PostgreSQL (for a second process). */
  url: string | undefined;
  /** Closes the connections and drops the database. */
  destroy(): Promise<void>;
}

/**
 * A fresh database built from the real migrations: in-memory PGlite by default, or a newly created database on
 * the configured PostgreSQL server, dropped again by `destroy()`.
 */
export async function createTestDatabase(serverUrl = testServerUrl): Promise<TestDatabase> {
  if (!serverUrl) {
    const handle = createDatabase({ dataDir: "memory://" });
    await handle.migrate();
    return { ...handle, url: undefined, destroy: () => handle.close() };
  }
  const name = `relaypost_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = createDatabase({ url: url.toString(), maxConnections: 5 });
  await handle.migrate();
  return {
    ...handle,
    url: url.toString(),
    async destroy() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Where `initdb` and `pg_ctl` live (PostgreSQL 15 from Debian by default). */
const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";
const asRoot = process.getuid?.() === 0;

/**
 * Whether this machine can run a PostgreSQL cluster of its own for a test: the server binaries are there, and we are
 * root (the cluster then runs as the `postgres` user) or that user.
 */
export const canStartThrowawayPostgres =
  existsSync(join(PG_BIN, "initdb")) && (asRoot || process.env.USER === "postgres");

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address && typeof address === "object") return address.port;
  throw new Error("no free port");
}

/**
 * A PostgreSQL cluster of its own in a temporary directory on a free port, for tests and benchmarks that stop and
 * start the database server itself (which the shared server at 5432 must never be).
 */
export async function startThrowawayPostgres() {
  const dir = mkdtempSync(join(tmpdir(), "relaypost-pg-"));
  const port = await freePort();
  if (asRoot)
    chownSync(
      dir,
      Number(execFileSync("id", ["-u", "postgres"]).toString()),
      Number(execFileSync("id", ["-g", "postgres"]).toString()),
    );
  const run = (binary: string, args: string[]) => {
    const command = [join(PG_BIN, binary), ...args].map((a) => `'${a}'`).join(" ");
    execFileSync(asRoot ? "su" : "sh", asRoot ? ["postgres", "-c", command] : ["-c", command], { stdio: "ignore" });
  };
  const data = join(dir, "data");
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on`;
  const start = () => run("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "start"]);
  const stop = () => run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy() {
      try {
        stop();
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const postgresUser = () => ({
  uid: Number(execFileSync("id", ["-u", "postgres"]).toString()),
  gid: Number(execFileSync("id", ["-g", "postgres"]).toString()),
});

/**
 * PgBouncer (Debian's `pgbouncer`) in transaction mode on a free port, in front of the PostgreSQL server at
 * `serverUrl`, as operators put it in front of several RelayPost processes. It refuses to run as root, so as root it
 * runs as `postgres`. `pooled(url)` is a database URL of that server rewritten to go through it.
 */
export async function startPgBouncer(serverUrl: string) {
  const target = new URL(serverUrl);
  const dir = mkdtempSync(join(tmpdir(), "relaypost-pgbouncer-"));
  chmodSync(dir, 0o755);
  const port = await freePort();
  writeFileSync(join(dir, "users.txt"), `"${decodeURIComponent(target.username)}" ""\n`, { mode: 0o644 });
  const ini = [
    "[databases]",
    `* = host=${target.hostname} port=${target.port || 5432}`,
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${port}`,
    "unix_socket_dir =",
    "auth_type = trust",
    `auth_file = ${join(dir, "users.txt")}`,
    "pool_mode = transaction",
    "default_pool_size = 10",
    "max_client_conn = 500",
    `admin_users = ${decodeURIComponent(target.username)}`,
    "ignore_startup_parameters = extra_float_digits",
  ];
  writeFileSync(join(dir, "pgbouncer.ini"), `${ini.join("\n")}\n`, { mode: 0o644 });
  const binary = existsSync("/usr/sbin/pgbouncer") ? "/usr/sbin/pgbouncer" : "pgbouncer";
  const child = spawn(binary, [join(dir, "pgbouncer.ini")], {
    ...(asRoot ? postgresUser() : {}),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`listening on 127.0.0.1:${port}`)) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`pgbouncer exited with ${code}: ${output}`)));
  });
  return {
    port,
    pooled(databaseUrl: string): string {
      const url = new URL(databaseUrl);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    /** The admin console's URL (SHOW STATS and the like, over the simple query protocol only). */
    adminUrl: `postgres://${target.username}@127.0.0.1:${port}/pgbouncer`,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
