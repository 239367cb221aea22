import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createDatabase, type DatabaseHandle } from "./client";

/** The PostgreSQL server tests run against, when one is configured; otherwise tests use in-memory PGlite. */
export const testServerUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

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
