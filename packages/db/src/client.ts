import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { ThreadedPglite } from "./pglite/threaded-pglite";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The driver-independent drizzle database: the same type whether PGlite or postgres.js sits underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Anything queries can run on: the database or a transaction inside it. */
export type Executor = Database | Transaction;

export type NotificationHandler = (payload: string) => void;

export interface DatabaseHandle {
  db: Database;
  driver: "pglite" | "postgres";
  /**
   * Subscribes to a PostgreSQL NOTIFY channel; resolves once LISTEN is in force. The function it resolves with
   * never rejects: a database that cannot be reached has no listener left to remove, and shutdown must go on.
   */
  listen(channel: string, onNotify: NotificationHandler, onReconnect?: () => void): Promise<() => Promise<void>>;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * Settles if the database is gone for good: embedded PGlite's thread died. Never for PostgreSQL, whose lost
   * connections are made again.
   */
  lost: Promise<Error>;
  /** What the metrics read of the driver: its pool's size and the statements it has sent so far. */
  stats(): DatabaseStats;
}

export interface DatabaseStats {
  /** Connections the pool opens at most (PGlite: its single session). */
  poolSize: number;
  /** Statements sent to the database since it was opened. */
  queries: number;
}

export const migrationsFolder = fileURLToPath(new URL("../../../drizzle", import.meta.url));

const casing = "snake_case" as const;

export interface DatabaseOptions {
  /** postgres:// URL; when absent, an embedded PGlite database is used. */
  url?: string | undefined;
  /** PGlite data directory; `memory://` (or absent) keeps it in memory. */
  dataDir?: string | undefined;
  /** Connection pool size for postgres.js. */
  maxConnections?: number;
  /** How long postgres.js waits for a connection to be ready (TCP, TLS, login) before failing it. */
  connectTimeoutMs?: number;
  /**
   * A direct connection for LISTEN and migrations when `url` goes through a transaction pooler (PgBouncer), which
   * cannot keep a session's LISTEN; queries on `url` then use no prepared statements, which such a pooler loses too.
   */
  listenUrl?: string | undefined;
}

/** A PostgreSQL server that does not answer within this is taken as unreachable: at start-up, and by the pool later. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export function createDatabase(options: DatabaseOptions): DatabaseHandle {
  return options.url
    ? createPostgres(options.url, {
        max: options.maxConnections ?? 10,
        connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        listenUrl: options.listenUrl,
      })
    : createPglite(options.dataDir);
}

/**
 * Seconds before a pool connection tries again after failing to connect. postgres.js counts failures across the whole
 * pool and waits up to 20 s (3^failures / 100): after an outage of a few seconds, queries waited 10–18 s on connections
 * still sleeping while the database had long been back (measured on a throwaway cluster). One attempt per connection
 * per second, jittered, costs the database nothing and brings logins back within about a second.
 */
export const reconnectDelaySeconds = (failures: number) =>
  (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** failures, 1);

function createPostgres(
  url: string,
  { max, connectTimeoutMs, listenUrl }: { max: number; connectTimeoutMs: number; listenUrl: string | undefined },
): DatabaseHandle {
  const options = {
    connect_timeout: connectTimeoutMs / 1000,
    backoff: reconnectDelaySeconds,
    onnotice: () => {},
  };
  let queries = 0;
  const client = postgres(url, {
    ...options,
    max,
    // Called as each statement is sent: the only count postgres.js gives of its pool's work.
    debug: () => {
      queries++;
    },
    ...(listenUrl ? { prepare: false } : {}),
    connection: { application_name: "relaypost" },
  });
  // postgres.js keeps LISTEN on a connection of its own; with a pooler in front, that one must bypass it.
  const direct = listenUrl
    ? postgres(listenUrl, { ...options, max: 1, connection: { application_name: "relaypost-listen" } })
    : client;
  const db = drizzlePostgres({ client, schema, casing }) as unknown as Database;
  return {
    db,
    driver: "postgres",
    async listen(channel, onNotify, onReconnect) {
      const sub = await direct.listen(channel, onNotify, onReconnect);
      return () => sub.unlisten().catch(() => {});
    },
    migrate: () => migratePostgres(drizzlePostgres({ client: direct, casing }), { migrationsFolder }),
    async close() {
      await client.end({ timeout: 5 });
      if (direct !== client) await direct.end({ timeout: 5 });
    },
    lost: new Promise<Error>(() => {}),
    stats: () => ({ poolSize: max, queries }),
  };
}

function createPglite(dataDir: string | undefined): DatabaseHandle {
  if (dataDir && !dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  // drizzle's PGlite session calls only `query` and `transaction`, which ThreadedPglite answers as PGlite does.
  const threaded = new ThreadedPglite(dataDir);
  const client = threaded as unknown as PGlite;
  const db = drizzlePglite({ client, schema, casing }) as unknown as Database;
  return {
    db,
    driver: "pglite",
    async listen(channel, onNotify) {
      const unlisten = await threaded.listen(channel, onNotify);
      return () => unlisten().catch(() => {});
    },
    migrate: () => migratePglite(drizzlePglite({ client, casing }), { migrationsFolder }),
    close: () => threaded.close(),
    lost: threaded.lost,
    stats: () => ({ poolSize: 1, queries: threaded.queries }),
  };
}

/** Runs raw SQL and returns its rows; postgres.js answers an array, PGlite an object with `rows`. */
export async function queryRows<T extends Record<string, unknown>>(executor: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await executor.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
