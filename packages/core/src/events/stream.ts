import type { EventType } from "@relaypost/contract";
import type { Database } from "@relaypost/db";
import type { EventBus } from "./bus";
import { readEvents } from "./store";
import type { RelayEvent } from "./types";

export interface StreamOptions {
  organizationId: string;
  /** Resume point: deliver events after this id; without it, only events from now on. */
  afterId?: number | undefined;
  credentialId?: string | undefined;
  types?: readonly EventType[] | undefined;
  signal?: AbortSignal | undefined;
  /** Events a slow consumer may fall behind by before its stream ends; it then resumes from the table by id. */
  maxQueued?: number;
}

export class StreamOverflowError extends Error {
  constructor() {
    super("Subscriber fell too far behind; resume from the last event id");
    this.name = "StreamOverflowError";
  }
}

const BACKLOG_PAGE = 500;

/**
 * An organization's events in id order, without gaps or duplicates: listen first, then read the backlog from the
 * table, then hand over to the live feed, dropping whatever the backlog already delivered.
 */
export async function* streamEvents(db: Database, bus: EventBus, options: StreamOptions): AsyncGenerator<RelayEvent> {
  const maxQueued = options.maxQueued ?? 10_000;
  const matches = (e: RelayEvent) =>
    (!options.credentialId || e.credentialId === options.credentialId) &&
    (!options.types?.length || options.types.includes(e.type));

  let queue: RelayEvent[] = [];
  let overflowed = false;
  let wake: (() => void) | undefined;
  const unsubscribe = bus.subscribeOrganization(options.organizationId, (event) => {
    if (!matches(event)) return;
    if (queue.length >= maxQueued) overflowed = true;
    else queue.push(event);
    wake?.();
  });
  const onAbort = () => wake?.();
  options.signal?.addEventListener("abort", onAbort);

  try {
    let lastId = options.afterId ?? bus.lastSeenId;
    if (options.afterId !== undefined) {
      for (;;) {
        const page = await readEvents(db, {
          afterId: lastId,
          organizationId: options.organizationId,
          credentialId: options.credentialId,
          types: options.types,
          limit: BACKLOG_PAGE,
        });
        for (const event of page) {
          if (options.signal?.aborted) return;
          lastId = event.id;
          yield event;
        }
        if (page.length < BACKLOG_PAGE) break;
      }
    }
    while (!options.signal?.aborted) {
      if (overflowed) throw new StreamOverflowError();
      if (queue.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      const batch = queue;
      queue = [];
      for (const event of batch) {
        if (event.id <= lastId) continue;
        lastId = event.id;
        yield event;
      }
    }
  } finally {
    unsubscribe();
    options.signal?.removeEventListener("abort", onAbort);
  }
}
