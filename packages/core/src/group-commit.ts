type Waiter<In, Out> = { item: In; resolve: (out: Out) => void; reject: (error: unknown) => void };

/**
 * Group commit: items written as they come, where those that arrive while a write is under way share the next one.
 * Alone, an item is written at once (no timer, so no added latency); under load, one transaction serves many, so the
 * statements and commits per item fall as the load rises. `writeBatch` answers each item in order; if it throws,
 * every item of that batch gets the error.
 */
export function createGroupCommit<In, Out>(
  writeBatch: (items: In[]) => Promise<Out[]>,
  { maxBatch = 100 }: { maxBatch?: number } = {},
) {
  let pending: Waiter<In, Out>[] = [];
  let writing = false;

  async function writeAll(): Promise<void> {
    writing = true;
    while (pending.length > 0) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(batch.length);
      try {
        const answers = await writeBatch(batch.map((waiter) => waiter.item));
        if (answers.length !== batch.length) throw new Error("a group commit answered the wrong number of items");
        batch.forEach((waiter, n) => {
          waiter.resolve(answers[n] as Out);
        });
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
    writing = false;
  }

  return {
    /** Resolves with the item's answer once its batch committed. */
    write(item: In): Promise<Out> {
      return new Promise((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (!writing) void writeAll();
      });
    },
  };
}
