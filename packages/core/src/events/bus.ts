import type { DatabaseHandle } from "@relaypost/db";
import { EVENTS_CHANNEL, latestEventId, readEvents } from "./store";
import type { RelayEvent } from "./types";

export type EventListener = (event: RelayEvent) => void;

export interface EventBusOptions {
  /** Safety net: also reads new events this often, in case a notification was lost with a connection. */
  pollIntervalMs?: number;
  onError?: (error: unknown) => void;
}

const READ_BATCH = 1_000;

/**
 * Delivers every committed event, once and in id order, to this process's listeners. NOTIFY only says "there is
 * news"; the events themselves are read from the table after the last id seen, so a notification lost during a
 * reconnect, or several coalesced into one, costs latency, never an event.
 */
export function createEventBus(database: Pick<DatabaseHandle, "db" | "listen">, options: EventBusOptions = {}) {
  const listeners = new Set<EventListener>();
  let lastSeenId = 0;
  let reading: Promise<void> | undefined;
  let readAgain = false;
  let unlisten: (() => Promise<void>) | undefined;
  let poll: NodeJS.Timeout | undefined;
  let stopped = false;

  async function readNew(): Promise<void> {
    do {
      readAgain = false;
      let batch: RelayEvent[];
      do {
        batch = await readEvents(database.db, { afterId: lastSeenId, limit: READ_BATCH });
        for (const event of batch) {
          lastSeenId = event.id;
          for (const listener of listeners) listener(event);
        }
      } while (batch.length === READ_BATCH && !stopped);
    } while (readAgain && !stopped);
  }

  function catchUp(): Promise<void> {
    if (reading) {
      readAgain = true;
      return reading;
    }
    reading = readNew()
      .catch((error) => options.onError?.(error))
      .finally(() => {
        reading = undefined;
      });
    return reading;
  }

  return {
    async start(): Promise<void> {
      lastSeenId = await latestEventId(database.db);
      unlisten = await database.listen(
        EVENTS_CHANNEL,
        () => void catchUp(),
        () => void catchUp(),
      );
      poll = setInterval(() => void catchUp(), options.pollIntervalMs ?? 1_000);
      poll.unref();
    },
    subscribe(listener: EventListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** The id of the last event delivered to listeners. */
    get lastSeenId() {
      return lastSeenId;
    },
    /** Reads and delivers whatever has committed; resolves when listeners have seen it. */
    catchUp,
    async stop(): Promise<void> {
      stopped = true;
      if (poll) clearInterval(poll);
      await unlisten?.().catch(() => {});
      await reading;
    },
  };
}

export type EventBus = ReturnType<typeof createEventBus>;
