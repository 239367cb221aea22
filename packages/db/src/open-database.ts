import { createDatabase, type DatabaseHandle } from "./client";
import { lockDataDir } from "./data-dir-lock";

export interface OpenedDatabase extends DatabaseHandle {
  description: string;
}

export interface DatabaseLocation {
  /** A PostgreSQL connection URL; without one, embedded PGlite in `dataDir`. */
  url?: string | undefined;
  /** PGlite's directory, or `memory://…` for a database that lives as long as the process. */
  dataDir: string;
}

/** Opens the database (PostgreSQL, or PGlite in its directory) and brings its schema up to date. */
export async function openDatabase(location: DatabaseLocation): Promise<OpenedDatabase> {
  if (location.url) {
    const handle = createDatabase({ url: location.url });
    await handle.migrate();
    const url = new URL(location.url);
    return { ...handle, description: `PostgreSQL at ${url.host}${url.pathname}` };
  }
  if (location.dataDir.startsWith("memory://")) {
    const handle = createDatabase({ dataDir: location.dataDir });
    await handle.migrate();
    return { ...handle, description: "in-memory PGlite" };
  }
  const unlock = lockDataDir(location.dataDir);
  try {
    const handle = createDatabase({ dataDir: location.dataDir });
    await handle.migrate();
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
