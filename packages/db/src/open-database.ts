import { sql } from "drizzle-orm";
import { createDatabase, type DatabaseHandle, DEFAULT_CONNECT_TIMEOUT_MS } from "./client";
import { lockDataDir } from "./data-dir-lock";

export interface OpenedDatabase extends DatabaseHandle {
  description: string;
}

export interface DatabaseLocation {
  /** A PostgreSQL connection URL; without one, embedded PGlite in `dataDir`. */
  url?: string | undefined;
  /** PGlite's directory, or `memory://…` for a database that lives as long as the process. */
  dataDir: string;
  /** How long PostgreSQL may take to accept a connection; shortened by tests only. */
  connectTimeoutMs?: number | undefined;
  /** A direct URL for LISTEN and migrations when `url` goes through a transaction pooler. */
  listenUrl?: string | undefined;
}

/**
 * The PostgreSQL server at the URL could not be connected to and logged into: it did not answer in time
 * (`timedOut`), refused the connection, or refused the login. Its `cause` is postgres.js's error.
 */
export class DatabaseConnectError extends Error {
  constructor(
    readonly timedOut: boolean,
    readonly timeoutMs: number,
    options: { cause: unknown },
  ) {
    super(
      timedOut
        ? `PostgreSQL did not answer within ${timeoutMs / 1000} s`
        : `PostgreSQL could not be connected to: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`,
      options,
    );
    this.name = "DatabaseConnectError";
  }
}

/** One query before the migrations, so that a server that cannot be reached is told from a migration that fails. */
async function connect(handle: DatabaseHandle, timeoutMs: number): Promise<void> {
  try {
    await handle.db.execute(sql`select 1`);
  } catch (error) {
    // drizzle wraps the driver's error (which has the code) in one naming the query.
    const driverError = error instanceof Error && error.cause !== undefined ? error.cause : error;
    const timedOut = (driverError as { code?: unknown }).code === "CONNECT_TIMEOUT";
    throw new DatabaseConnectError(timedOut, timeoutMs, { cause: driverError });
  }
}

/** Brings the schema up to date; a handle that fails to is closed, so nothing it opened keeps the process alive. */
async function prepare(handle: DatabaseHandle, before?: () => Promise<void>): Promise<void> {
  try {
    await before?.();
    await handle.migrate();
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}

/** Opens the database (PostgreSQL, or PGlite in its directory) and brings its schema up to date. */
export async function openDatabase(location: DatabaseLocation): Promise<OpenedDatabase> {
  if (location.url) {
    const timeoutMs = location.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const handle = createDatabase({ url: location.url, connectTimeoutMs: timeoutMs, listenUrl: location.listenUrl });
    await prepare(handle, () => connect(handle, timeoutMs));
    const url = new URL(location.url);
    return { ...handle, description: `PostgreSQL at ${url.host}${url.pathname}` };
  }
  if (location.dataDir.startsWith("memory://")) {
    const handle = createDatabase({ dataDir: location.dataDir });
    await prepare(handle);
    return { ...handle, description: "in-memory PGlite" };
  }
  const unlock = lockDataDir(location.dataDir);
  try {
    const handle = createDatabase({ dataDir: location.dataDir });
    await prepare(handle);
    return {
      ...handle,
      description: `embedded PGlite in ${location.dataDir}`,
      async close() {
        await handle.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
