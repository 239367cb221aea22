/**
 * Coalesces the lookups that arrive in one turn of the event loop into a single query: under a login storm each
 * login still reads its credential fresh from the database after it arrived (nothing is cached across logins), but
 * hundreds of logins share one round trip instead of queueing for pool connections one query each.
 */
export function createLookupBatcher<Key, Row>(
  readMany: (keys: Key[]) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
  maxBatch = 500,
) {
  let pending = new Map<Key, Array<{ resolve: (row: Row | undefined) => void; reject: (error: unknown) => void }>>();
  let scheduled = false;

  async function run(batch: typeof pending) {
    try {
      const rows = await readMany([...batch.keys()]);
      const byKey = new Map(rows.map((row) => [keyOf(row), row]));
      for (const [key, waiters] of batch) for (const waiter of waiters) waiter.resolve(byKey.get(key));
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    }
  }

  function flush() {
    scheduled = false;
    const batch = pending;
    pending = new Map();
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
        setImmediate(() => {
          if (scheduled) flush();
        });
      }
    });
}
