import { EVENT_TYPES, type EventType, type RelayEvent } from "./types";

/**
 * A batch travels inside its NOTIFY when it fits in this many bytes, half of PostgreSQL's 8000-byte payload limit;
 * a larger batch sends only its last id and listeners read it from the table.
 */
export const MAX_PAYLOAD_BYTES = 4_000;

type CompactEvent = [
  id: number,
  organizationId: string,
  type: EventType,
  credentialId: string | null,
  username: string | null,
  remoteAddress: string | null,
  data: Record<string, unknown>,
  createdAtMs: number,
];

/** What one notification says: here are the events, or only "events up to this id have committed". */
export type Notification = { events: RelayEvent[] } | { lastId: number };

const knownTypes = new Set<string>(EVENT_TYPES);

/** Reads a payload written by `appendEvents`; anything else asks for a read from the table. */
export function decodeNotification(payload: string): Notification {
  if (!payload.startsWith("[")) return { lastId: Number(payload) || Number.POSITIVE_INFINITY };
  try {
    const compact = JSON.parse(payload) as CompactEvent[];
    const events = compact.map(([id, organizationId, type, credentialId, username, remoteAddress, data, at]) => {
      if (!knownTypes.has(type)) throw new RangeError(`unknown event type ${type}`);
      return {
        id,
        organizationId,
        type,
        credentialId,
        username,
        remoteAddress,
        data,
        createdAt: new Date(at),
      };
    });
    return { events };
  } catch {
    return { lastId: Number.POSITIVE_INFINITY };
  }
}
