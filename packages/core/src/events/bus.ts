import type { DatabaseHandle } from "@relaypost/db";
import { readNotification } from "./notification";
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
 * Delivers every committed event, once and in id order, to this process's listeners. Events are written under a
 * lock that makes ids commit in order, so a batch that continues exactly where delivery stands can be handed over
 * as it arrives: carried in its NOTIFY payload, or offered by this process's own publisher right after commit.
 * Anything else (a gap, a batch too large for a payload, a reconnect, the periodic poll) reads the table after the
 * last id delivered, so a lost or coalesced notification costs latency, never an event.
 */
export function createEventBus(database: Pick<DatabaseHandle, "db" | "listen">, options: EventBusOptions = {}) {
  const listeners = new Set<EventListener>();
  /** Subscriptions of one organization each: an event is offered only to its organization's, not to every one. */
  const organizationListeners = new Map<string, Set<EventListener>>();
  let lastSeenId = 0;
  let reading: Promise<void> | undefined;
  let readAgain = false;
  let unlisten: (() => Promise<void>) | undefined;
  let poll: NodeJS.Timeout | undefined;
  let stopped = false;

  function deliver(event: RelayEvent) {
    lastSeenId = event.id;
    for (const listener of listeners) listener(event);
    const ofOrganization = organizationListeners.get(event.organizationId);
    if (ofOrganization) for (const listener of ofOrganization) listener(event);
  }

  /** Delivers committed events (ascending ids) that continue from the last one delivered; a gap reads the table. */
  function offer(events: readonly RelayEvent[]): void {
    for (const event of events) {
      if (event.id <= lastSeenId) continue;
      // Ids skipped by a rolled-back transaction look the same as events not yet seen: the table tells which.
      if (event.id !== lastSeenId + 1) return void catchUp();
      deliver(event);
    }
  }

  /** The highest id a notification announced without carrying its events. */
  let announcedId = 0;
  function onNotification(payload: string) {
    const notification = readNotification(payload);
    if (notification.lastId <= lastSeenId || stopped) return;
    if (!Number.isFinite(notification.lastId)) return void catchUp();
    const events = notification.events();
    if (events) return offer(events);
    announcedId = Math.max(announcedId, notification.lastId);
    // This process's publisher may be about to offer the very batch announced; read the table only if it does not.
    setImmediate(() => {
      if (announcedId > lastSeenId && !stopped) void catchUp();
    });
  }

  async function readNew(): Promise<void> {
    do {
      readAgain = false;
      let batch: RelayEvent[];
      do {
        batch = await readEvents(database.db, { afterId: lastSeenId, limit: READ_BATCH });
        for (const event of batch) if (event.id > lastSeenId) deliver(event);
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
      unlisten = await database.listen(EVENTS_CHANNEL, onNotification, () => void catchUp());
      poll = setInterval(() => void catchUp(), options.pollIntervalMs ?? 1_000);
      poll.unref();
    },
    /** Every event of every organization (SMTP session closing, for one). */
    subscribe(listener: EventListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** The events of one organization only. */
    subscribeOrganization(organizationId: string, listener: EventListener): () => void {
      const set = organizationListeners.get(organizationId) ?? new Set();
      organizationListeners.set(organizationId, set);
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && organizationListeners.get(organizationId) === set)
          organizationListeners.delete(organizationId);
      };
    },
    /** The id of the last event delivered to listeners. */
    get lastSeenId() {
      return lastSeenId;
    },
    /** Reads and delivers whatever has committed; resolves when listeners have seen it. */
    catchUp,
    offer,
    async stop(): Promise<void> {
      stopped = true;
      if (poll) clearInterval(poll);
      await unlisten?.();
      await reading;
    },
  };
}

export type EventBus = ReturnType<typeof createEventBus>;
