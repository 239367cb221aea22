import { createDatabase, type DatabaseHandle } from "@relaypost/db";
import type { Config } from "./config";
import { lockDataDir } from "./data-dir-lock";

export interface OpenedDatabase extends DatabaseHandle {
  description: string;
}

/** Opens the configured database (PostgreSQL, or PGlite in DATA_DIR) and brings its schema up to date. */
export async function openDatabase(config: Pick<Config, "DATABASE_URL" | "DATA_DIR">): Promise<OpenedDatabase> {
  if (config.DATABASE_URL) {
    const handle = createDatabase({ url: config.DATABASE_URL });
    await handle.migrate();
    const url = new URL(config.DATABASE_URL);
    return { ...handle, description: `PostgreSQL at ${url.host}${url.pathname}` };
  }
  if (config.DATA_DIR.startsWith("memory://")) {
    const handle = createDatabase({ dataDir: config.DATA_DIR });
    await handle.migrate();
    return { ...handle, description: "in-memory PGlite" };
  }
  const unlock = lockDataDir(config.DATA_DIR);
  try {
    const handle = createDatabase({ dataDir: config.DATA_DIR });
    await handle.migrate();
    return {
      ...handle,
      description: `embedded PGlite in ${config.DATA_DIR}`,
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
