import { type Database, schema } from "@relaypost/db";
import { sql } from "drizzle-orm";

export interface LastUsedRecorderOptions {
  /** Writes happen at most this often; each credential gets at most one write per interval. */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

const t = schema.smtpCredentials;

/**
 * A login storm on one credential must not become a write storm on its row. Logins note the time in memory; once
 * per interval one UPDATE writes the latest time of every credential seen since, and never moves a `last_used_at`
 * backwards (another process may have written a later one).
 */
export function createLastUsedRecorder(db: Database, options: LastUsedRecorderOptions = {}) {
  const intervalMs = options.intervalMs ?? 1_000;
  let pending = new Map<string, Date>();
  // The batch an UPDATE is writing: until it commits, a read of the row still shows the older time.
  let inFlight = new Map<string, Date>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;

  async function write(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    inFlight = batch;
    // One parameter whatever the batch size: the statement text stays the same, so it is planned once.
    const seen = JSON.stringify([...batch].map(([id, at]) => ({ id, at: at.toISOString() })));
    try {
      await db.execute(sql`
        update ${t} set last_used_at = greatest(${t.lastUsedAt}, v.at)
        from jsonb_to_recordset(${seen}::jsonb) as v(id uuid, at timestamptz)
        where ${t.id} = v.id`);
    } catch (error) {
      // Keep what failed for the next round, unless a newer login already replaced it.
      for (const [id, at] of batch) if (!pending.has(id)) pending.set(id, at);
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
    record(credentialId: string, at: Date = new Date()): void {
      const previous = pending.get(credentialId);
      if (!previous || previous < at) pending.set(credentialId, at);
      schedule();
    },
    /** Writes everything noted so far; at shutdown and in tests. */
    async flush(): Promise<void> {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await flush();
    },
    /** The latest login time noted for a credential and not yet written, so answers read before the write show it. */
    unwritten(credentialId: string): Date | undefined {
      return pending.get(credentialId) ?? inFlight.get(credentialId);
    },
    get pending() {
      return pending.size;
    },
  };
}

export type LastUsedRecorder = ReturnType<typeof createLastUsedRecorder>;
