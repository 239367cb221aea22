import type { EventPayload, EventType } from "@relaypost/contract";

export interface EventEnvelope {
  organizationId: string;
  credentialId: string | null;
  username: string | null;
  remoteAddress: string | null;
}

/** An event to publish: its `data` is the shape its `type` carries. */
export type NewEvent = EventEnvelope &
  EventPayload & {
    /** When it happened; now when omitted. */
    createdAt?: Date;
  };

/** An event as subscribers see it; `id` increases monotonically and is the resume point. */
export type RelayEvent<T extends EventType = EventType> = EventEnvelope &
  EventPayload<T> & { id: number; createdAt: Date };

/**
 * A type and data read back from the events table or a notification. Both are written only from typed events
 * (`appendEvents`), so the pair is trusted rather than checked again.
 */
export const storedPayload = (type: string, data: unknown) => ({ type, data }) as EventPayload;
