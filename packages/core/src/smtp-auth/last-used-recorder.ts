import { type Database, schema } from "@relaypost/db";
import { sql } from "drizzle-orm";
import type { LastLogin } from "../smtp-credentials/credential";

export interface LastUsedRecorderOptions {
  /** Writes happen at most this often; each credential gets at most one write per interval. */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

const t = schema.smtpCredentials;

/**
 * A login storm on one credential must not become a write storm on its row. Logins note the time, address and
 * method in memory; once per interval one UPDATE writes the latest login of every credential seen since, and never
 * moves a `last_used_at` backwards (another process may have written a later one): the address and method change
 * only with the time they belong to.
 */
export function createLastUsedRecorder(db: Database, options: LastUsedRecorderOptions = {}) {
  const intervalMs = options.intervalMs ?? 1_000;
  let pending = new Map<string, LastLogin>();
  // The batch an UPDATE is writing: until it commits, a read of the row still shows the older time.
  let inFlight = new Map<string, LastLogin>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;

  async function write(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    inFlight = batch;
    // One parameter whatever the batch size: the statement text stays the same, so it is planned once.
    const seen = JSON.stringify(
      [...batch].map(([id, login]) => ({
        id,
        at: login.at.toISOString(),
        address: login.remoteAddress,
        method: login.method,
      })),
    );
    // Every SET reads the row as it was, so each `newer` compares with the stored time, not the one being set.
    const newer = sql`(${t.lastUsedAt} is null or v.at >= ${t.lastUsedAt})`;
    try {
      await db.execute(sql`
        update ${t} set last_used_at = greatest(${t.lastUsedAt}, v.at),
          last_used_address = case when ${newer} then v.address else ${t.lastUsedAddress} end,
          last_used_method = case when ${newer} then v.method else ${t.lastUsedMethod} end
        from jsonb_to_recordset(${seen}::jsonb) as v(id uuid, at timestamptz, address text, method text)
        where ${t.id} = v.id`);
    } catch (error) {
      // Keep what failed for the next round, unless a newer login already replaced it.
      for (const [id, login] of batch) if (!pending.has(id)) pending.set(id, login);
      options.onError?.(error);
    } finally {
      inFlight = new Map();
    }
  }

  function flush(): Promise<void> {
    const run = (writing ?? Promise.resolve()).then(write);
    writing = run.finally(() => {
      if (writing === run) writing = undefined;
    });
    return run;
  }

  function schedule() {
    timer ??= setTimeout(() => {
      timer = undefined;
      void flush().then(() => {
        if (pending.size > 0) schedule();
      });
    }, intervalMs);
    timer.unref();
  }

  return {
    record(credentialId: string, via: Omit<LastLogin, "at">, at: Date = new Date()): void {
      const previous = pending.get(credentialId);
      if (!previous || previous.at < at) pending.set(credentialId, { ...via, at });
      schedule();
    },
    /** Writes everything noted so far; at shutdown and in tests. */
    async flush(): Promise<void> {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await flush();
    },
    /** The latest login noted for a credential and not yet written, so answers read before the write show it. */
    unwritten(credentialId: string): LastLogin | undefined {
      return pending.get(credentialId) ?? inFlight.get(credentialId);
    },
    get pending() {
      return pending.size;
    },
  };
}

export type LastUsedRecorder = ReturnType<typeof createLastUsedRecorder>;
