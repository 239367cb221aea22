export interface LookupBatcherOptions {
  /** Most keys in one read. */
  maxBatch?: number;
  /**
   * Reads running at once; lookups that arrive while all run wait and share the next read. More than one, so a read
   * stuck on a connection the database dropped does not hold up every login behind it.
   */
  maxInFlight?: number;
  /**
   * How long a read may take before its lookups fail (the caller answers "try again later") and its place is given
   * to the next read. A query sent on a connection the database dropped can hang far longer than a login may wait.
   */
  timeoutMs?: number;
}

export class LookupTimeoutError extends Error {
  constructor(ms: number) {
    super(`The database did not answer within ${ms} ms`);
    this.name = "LookupTimeoutError";
  }
}

type Waiter<Row> = { resolve: (row: Row | undefined) => void; reject: (error: unknown) => void };

/**
 * Coalesces concurrent lookups into few queries: each login still reads its credential fresh from the database
 * after it arrived (nothing is cached across logins), but the lookups of one turn of the event loop share a query,
 * and while the allowed number of queries run the next ones gather behind them. A quiet server reads at once; under
 * a login storm the batches grow instead of the query count, which keeps database work (and, on embedded PGlite,
 * event-loop time) per login small.
 */
export function createLookupBatcher<Key, Row>(
  readMany: (keys: Key[]) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
  { maxBatch = 500, maxInFlight = 2, timeoutMs = 2_000 }: LookupBatcherOptions = {},
) {
  let pending = new Map<Key, Waiter<Row>[]>();
  let scheduled = false;
  let inFlight = 0;

  async function run(batch: Map<Key, Waiter<Row>[]>) {
    inFlight++;
    let settled = false;
    const settle = (answer: (waiter: Waiter<Row>, key: Key) => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const [key, waiters] of batch) for (const waiter of waiters) answer(waiter, key);
      inFlight--;
      if (pending.size > 0) flush();
    };
    const timer = setTimeout(() => {
      const error = new LookupTimeoutError(timeoutMs);
      settle((waiter) => waiter.reject(error));
    }, timeoutMs);
    try {
      const rows = await readMany([...batch.keys()]);
      const byKey = new Map(rows.map((row) => [keyOf(row), row]));
      settle((waiter, key) => waiter.resolve(byKey.get(key)));
    } catch (error) {
      settle((waiter) => waiter.reject(error));
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
