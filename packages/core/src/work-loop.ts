export interface WorkLoopOptions {
  /** Items worked on at once in this process. */
  capacity: number;
  /** How often an idle loop looks for due work (items coming due, a wake-up that was missed). */
  pollIntervalMs: number;
  onError: (error: unknown) => void;
}

/**
 * A background worker over a claimable queue (the mail outbox, webhook deliveries): `claim(limit)` takes up to `limit`
 * due items, each worked on as soon as it is claimed, so one slow item holds up nobody else. `start` keeps up to
 * `capacity` items going while work is due and otherwise waits for `wake`, a freed slot or the poll; `runOnce` is one
 * round, which tests await instead.
 */
export function createWorkLoop<T>(
  claim: (limit: number) => Promise<T[]>,
  work: (item: T) => Promise<void>,
  { capacity, pollIntervalMs, onError }: WorkLoopOptions,
) {
  const inFlight = new Set<Promise<void>>();
  let running: Promise<void> | undefined;
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;
  /** Every slot is taken, or the last claim filled them all: more is probably due, so a freed slot looks again. */
  let backlog = false;
  /** Slots promised to items claimed elsewhere (`reserve`), which no claim of the loop may fill meanwhile. */
  let reserved = 0;
  const free = () => capacity - inFlight.size - reserved;

  function start(item: T): Promise<void> {
    const task = work(item)
      .catch(onError)
      .finally(() => {
        inFlight.delete(task);
        if (backlog) wakeUp?.();
      });
    inFlight.add(task);
    return task;
  }

  /** Claims up to `limit` items and starts working on each; resolves with the work. */
  async function claimAndStart(limit: number): Promise<Promise<void>[]> {
    return (await claim(limit)).map(start);
  }

  async function runOnce(): Promise<number> {
    const tasks = await claimAndStart(free());
    await Promise.all(tasks);
    return tasks.length;
  }

  function idle(): Promise<void> {
    if (woken) {
      woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, pollIntervalMs);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        woken = false;
        resolve();
      }
      wakeUp = done;
    });
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      const limit = free();
      if (limit > 0) {
        let claimed = 0;
        try {
          claimed = (await claimAndStart(limit)).length;
        } catch (error) {
          onError(error);
        }
        backlog = claimed === limit;
        if (backlog) continue;
      } else {
        backlog = true;
      }
      if (!stopped) await idle();
    }
  }

  return {
    /** One round: claims what is due (as many as there are free slots), works on it all and waits. */
    runOnce,
    /** Rounds until nothing is due (items waiting for a later time do not count, so this ends). */
    async drain(): Promise<void> {
      while ((await runOnce()) > 0);
    },
    start(): void {
      running ??= loop();
    },
    /** Reserves up to `n` free slots for items about to be claimed elsewhere; returns how many (none once stopped). */
    reserve(n: number): number {
      const granted = stopped ? 0 : Math.max(0, Math.min(n, free()));
      reserved += granted;
      return granted;
    },
    /** Starts work on items claimed elsewhere, in slots `reserve` gave. */
    handOver(items: readonly T[]): void {
      reserved -= items.length;
      for (const item of items) start(item);
    },
    /** Gives back reserved slots that no item came for. */
    release(slots: number): void {
      reserved -= slots;
      if (backlog) wakeUp?.();
    },
    /** Work was queued: look now rather than at the next poll. */
    wake(): void {
      woken = true;
      wakeUp?.();
    },
    /** Stops claiming and lets the work under way finish. */
    async stop(): Promise<void> {
      stopped = true;
      wakeUp?.();
      await running;
      await Promise.all(inFlight);
    },
  };
}
