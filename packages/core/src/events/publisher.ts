import type { Database } from "@relaypost/db";
import { appendEvents } from "./store";
import type { NewEvent, RelayEvent } from "./types";

export interface EventPublisherOptions {
  /** How long an event may wait for companions before its batch is written. */
  flushIntervalMs?: number;
  maxBatch?: number;
  /** Events kept while the database is unreachable; past this the oldest are dropped and counted. */
  maxBuffered?: number;
  onError?: (error: unknown) => void;
  /** Each batch once committed, so this process's bus can deliver it without waiting for its notification. */
  onCommitted?: (events: RelayEvent[]) => void;
}

/**
 * Batches events that happen outside a mutation's transaction (SMTP logins, accepted messages): one INSERT and
 * one NOTIFY per batch keeps NOTIFY traffic and write load small under a login storm. Events wait in memory while
 * the database is down and are written once it is back.
 */
export function createEventPublisher(db: Database, options: EventPublisherOptions = {}) {
  const flushIntervalMs = options.flushIntervalMs ?? 10;
  const maxBatch = options.maxBatch ?? 500;
  const maxBuffered = options.maxBuffered ?? 50_000;
  let buffer: NewEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let dropped = 0;
  let failures = 0;

  const schedule = (delay: number) => {
    timer ??= setTimeout(() => {
      timer = undefined;
      void flush();
    }, delay);
  };

  async function writeBatches(): Promise<void> {
    while (buffer.length > 0) {
      const batch = buffer.slice(0, maxBatch);
      let committed: RelayEvent[];
      try {
        committed = await appendEvents(db, batch);
      } catch (error) {
        failures++;
        options.onError?.(error);
        schedule(Math.min(5_000, 100 * 2 ** Math.min(failures, 6)));
        return;
      }
      buffer = buffer.slice(batch.length);
      failures = 0;
      // Committed is committed: a listener's fault must not make the batch look unwritten and be written again.
      try {
        options.onCommitted?.(committed);
      } catch (error) {
        options.onError?.(error);
      }
    }
  }

  function flush(): Promise<void> {
    flushing ??= writeBatches().finally(() => {
      flushing = undefined;
    });
    return flushing;
  }

  return {
    publish(event: NewEvent): void {
      // Stamped now: the event tells when the login happened, not when its batch reached the database.
      buffer.push(event.createdAt ? event : { ...event, createdAt: new Date() });
      if (buffer.length > maxBuffered) {
        dropped += buffer.length - maxBuffered;
        buffer = buffer.slice(-maxBuffered);
      }
      if (buffer.length >= maxBatch && !flushing) void flush();
      else schedule(flushIntervalMs);
    },
    /**
     * Writes everything buffered, retrying through a short outage; used at shutdown and by tests. Resolves with the
     * number of events still unwritten (0 unless the database stayed unreachable for all attempts).
     */
    async flush(attempts = 10): Promise<number> {
      for (let attempt = 0; attempt < attempts; attempt++) {
        if (timer) clearTimeout(timer);
        timer = undefined;
        while (flushing) await flushing;
        await flush();
        if (buffer.length === 0) return 0;
        await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** attempt)));
      }
      return buffer.length;
    },
    stats: () => ({ buffered: buffer.length, dropped }),
  };
}

export type EventPublisher = ReturnType<typeof createEventPublisher>;
