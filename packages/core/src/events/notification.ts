import { EVENT_TYPES, type EventPayload, type EventType } from "@relaypost/contract";
import { type NewEvent, type RelayEvent, storedPayload } from "./types";

/**
 * A batch travels inside its NOTIFY when it fits in this many bytes, half of PostgreSQL's 8000-byte payload limit;
 * a larger batch sends only its last id and listeners read it from the table.
 */
export const MAX_PAYLOAD_BYTES = 4_000;

/** An event as written by `appendEvents` and carried in notifications: positional, to keep payloads small. */
type EventRecord = [
  organizationId: string,
  type: EventType,
  credentialId: string | null,
  username: string | null,
  remoteAddress: string | null,
  data: EventPayload["data"],
  createdAtMs: number,
];

/** The JSON array of records that `appendEvents` inserts and, when it fits, forwards verbatim in the notification. */
export function encodeRecords(batch: readonly (NewEvent & { createdAt: Date })[]): string {
  return JSON.stringify(
    batch.map(
      (e): EventRecord => [
        e.organizationId,
        e.type,
        e.credentialId,
        e.username,
        e.remoteAddress,
        e.data,
        e.createdAt.getTime(),
      ],
    ),
  );
}

/**
 * A notification is `<ids> <records>` (ids comma-separated, ascending) when the batch fits, else its last id alone.
 * `lastId` is read without parsing the rest, so a listener that has already delivered the batch (its own process
 * published it) skips it for the price of a few characters.
 */
export interface Notification {
  lastId: number;
  /** The batch's events, or undefined when they must be read from the table. */
  events(): RelayEvent[] | undefined;
}

const knownTypes = new Set<string>(EVENT_TYPES);

export function readNotification(payload: string): Notification {
  const space = payload.indexOf(" ");
  const idList = space < 0 ? payload : payload.slice(0, space);
  const lastId = Number(idList.slice(idList.lastIndexOf(",") + 1));
  return {
    // Unreadable: treat it as news of unknown extent, which makes the listener read the table.
    lastId: Number.isSafeInteger(lastId) ? lastId : Number.POSITIVE_INFINITY,
    events() {
      if (space < 0) return undefined;
      try {
        const ids = idList.split(",").map(Number);
        const records = JSON.parse(payload.slice(space + 1)) as EventRecord[];
        if (records.length !== ids.length) return undefined;
        return records.map(([organizationId, type, credentialId, username, remoteAddress, data, at], i) => {
          if (!knownTypes.has(type)) throw new RangeError(`unknown event type ${type}`);
          return {
            id: ids[i] ?? 0,
            organizationId,
            ...storedPayload(type, data),
            credentialId,
            username,
            remoteAddress,
            createdAt: new Date(at),
          };
        });
      } catch {
        return undefined;
      }
    },
  };
}
