import type { Database } from "@relaypost/db";
import type { NewEvent, RelayEvent } from "../events/types";
import { type AttemptRecord, recordOutcomes } from "./outbox";

type Waiter = { record: AttemptRecord; resolve: () => void; reject: (error: unknown) => void };

/**
 * Writes delivery outcomes as they become known, coalesced: outcomes that arrive while a write is under way share
 * the next one. A write holds the event order lock until it commits, so one commit per message would cap delivery at
 * one message per commit latency; batched, a slow commit delays outcomes without lowering throughput.
 */
export function createOutcomeWriter(
  db: Database,
  eventOf: (record: AttemptRecord) => NewEvent,
  onCommitted: (events: RelayEvent[]) => void,
) {
  let pending: Waiter[] = [];
  let writing = false;

  async function writeAll(): Promise<void> {
    writing = true;
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        onCommitted(
          await recordOutcomes(
            db,
            batch.map((w) => w.record),
            eventOf,
          ),
        );
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
    writing = false;
  }

  return {
    /** Resolves once the outcome (and its event) is committed, or was not this claim's to write any more. */
    write(record: AttemptRecord): Promise<void> {
      return new Promise((resolve, reject) => {
        pending.push({ record, resolve, reject });
        if (!writing) void writeAll();
      });
    },
  };
}
