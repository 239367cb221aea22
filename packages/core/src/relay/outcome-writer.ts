import type { Database } from "@relaypost/db";
import type { NewEvent, RelayEvent } from "../events/types";
import { createGroupCommit } from "../group-commit";
import { type AttemptRecord, recordOutcomes } from "./outbox";

/**
 * Writes delivery outcomes as they become known, group-committed (group-commit.ts). A write holds the event order
 * lock until it commits, so one commit per message would cap delivery at one message per commit latency; batched,
 * a slow commit delays outcomes without lowering throughput.
 */
export function createOutcomeWriter(
  db: Database,
  eventOf: (record: AttemptRecord) => NewEvent,
  onCommitted: (events: RelayEvent[]) => void,
) {
  const group = createGroupCommit(async (records: AttemptRecord[]) => {
    onCommitted(await recordOutcomes(db, records, eventOf));
    return records.map(() => undefined);
  });
  return {
    /** Resolves once the outcome (and its event) is committed, or was not this claim's to write any more. */
    write: (record: AttemptRecord): Promise<void> => group.write(record),
  };
}
