export interface LookupBatcherOptions {
  /** Most keys in one read. */
  maxBatch?: number;
  /**
   * Reads running at once; lookups that arrive while all run wait and share the next read. More than one, so a read
   * stuck on a connection the database dropped does not hold up every login behind it.
   */
  maxInFlight?: number;
}

type Waiter<Row> = { resolve: (row: Row | undefined) => void; reject: (error: unknown) => void };

/**
 * Coalesces concurrent lookups into few queries: each login still reads its credential fresh from the database
 * after it arrived (nothing is cached across logins), but the lookups of one turn of the event loop share a query,
 * and while the allowed number of queries run the next ones gather behind them. A quiet server reads at once; under a login storm the
 * batches grow instead of the query count, which keeps database work (and, on embedded PGlite, event-loop time)
 * per login small.
 */
export function createLookupBatcher<Key, Row>(
  readMany: (keys: Key[]) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
  { maxBatch = 500, maxInFlight = 2 }: LookupBatcherOptions = {},
) {
  let pending = new Map<Key, Waiter<Row>[]>();
  let scheduled = false;
  let inFlight = 0;

  async function run(batch: Map<Key, Waiter<Row>[]>) {
    inFlight++;
    try {
      const rows = await readMany([...batch.keys()]);
      const byKey = new Map(rows.map((row) => [keyOf(row), row]));
      for (const [key, waiters] of batch) for (const waiter of waiters) waiter.resolve(byKey.get(key));
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    } finally {
      inFlight--;
      if (pending.size > 0) flush();
    }
  }

  function flush() {
    scheduled = false;
    if (inFlight >= maxInFlight || pending.size === 0) return;
    let batch = pending;
    pending = new Map();
    if (batch.size > maxBatch) {
      const keys = [...batch.keys()];
      for (const key of keys.slice(maxBatch)) pending.set(key, batch.get(key) ?? []);
      batch = new Map(keys.slice(0, maxBatch).map((key) => [key, batch.get(key) ?? []]));
    }
    void run(batch);
  }

  return (key: Key): Promise<Row | undefined> =>
    new Promise((resolve, reject) => {
      const waiters = pending.get(key) ?? [];
      waiters.push({ resolve, reject });
      pending.set(key, waiters);
      if (pending.size >= maxBatch) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
