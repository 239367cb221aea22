import { MESSAGE_EVENT_TYPES, MESSAGE_STATUSES, type MessageEventType, type MessageStatus } from "@relaypost/contract";
import type { InfiniteData } from "@tanstack/solid-query";
import type { Outputs } from "./api";
import type { LiveEvent } from "./live";

export type MessagePage = Outputs["messages"]["list"];
export type Message = MessagePage["items"][number];
export type MessageList = InfiniteData<MessagePage>;
export type MessageEvent = Extract<LiveEvent, { type: MessageEventType }>;

/** What the Messages page is narrowed to, all kept in the address; days are local `YYYY-MM-DD`, both included. */
export interface MessageFilters {
  credentialId?: string | undefined;
  status?: MessageStatus | undefined;
  /** An envelope recipient's address, exact but in any case. */
  recipient?: string | undefined;
  fromDay?: string | undefined;
  toDay?: string | undefined;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` from the address, or undefined for anything else (a hand-edited URL is ignored, not an error). */
export function dayOf(value: string | undefined): string | undefined {
  if (!value || !DAY.test(value)) return undefined;
  // `new Date` rolls 2026-02-30 over into March: a real day is the same day when read back.
  const date = localMidnight(value);
  return date.getDate() === Number(value.slice(8)) ? value : undefined;
}

const localMidnight = (day: string) => new Date(`${day}T00:00:00`);

/** The filters' days as the API's bounds: from the start of `fromDay` to before the start of the day after `toDay`. */
export function acceptedBetween(filters: MessageFilters): { since?: Date; until?: Date } {
  const until = filters.toDay ? localMidnight(filters.toDay) : undefined;
  until?.setDate(until.getDate() + 1);
  return {
    ...(filters.fromDay ? { since: localMidnight(filters.fromDay) } : {}),
    ...(until ? { until } : {}),
  };
}

export const isFiltered = (f: MessageFilters) =>
  Boolean(f.credentialId || f.status || f.recipient || f.fromDay || f.toDay);

export const isMessageEvent = (event: LiveEvent): event is MessageEvent =>
  (MESSAGE_EVENT_TYPES as readonly string[]).includes(event.type);

export const isMessageStatus = (value: string | undefined): value is MessageStatus =>
  (MESSAGE_STATUSES as readonly (string | undefined)[]).includes(value);

export const allMessages = (list: MessageList | undefined): Message[] => list?.pages.flatMap((p) => p.items) ?? [];

export const hasMessage = (list: MessageList, id: string) => list.pages.some((p) => p.items.some((m) => m.id === id));

/** The status a message has once the event happened. */
export function statusAfter(event: MessageEvent): MessageStatus {
  switch (event.type) {
    case "message.accepted":
      return event.data.status;
    case "message.relayed":
      return "relayed";
    case "message.deferred":
      return "deferred";
    case "message.failed":
      return "failed";
  }
}

export type OutcomeEvent = Exclude<MessageEvent, { type: "message.accepted" }>;

/**
 * A delivery outcome written into a row: status, attempts, last reply and delivery time, which the event carries
 * (per-recipient results it does not; `needsRefetch` asks for them). Attempts are counted when a delivery starts, so
 * an outcome is at least as new as a row with as many attempts or fewer, and older than a row with more.
 */
export function withOutcome(message: Message, event: OutcomeEvent): Message {
  if (event.data.messageId !== message.id || event.data.attempts < message.attempts) return message;
  return {
    ...message,
    status: statusAfter(event),
    attempts: event.data.attempts,
    lastReply: event.data.reply,
    relayedAt: event.type === "message.relayed" ? event.createdAt : null,
  };
}

/** The cached rows with a live event's outcome; the list itself when the event changes none of them. */
export function applyMessageEvent(list: MessageList, event: MessageEvent): MessageList {
  if (event.type === "message.accepted" || !hasMessage(list, event.data.messageId)) return list;
  return {
    ...list,
    pages: list.pages.map((page) => ({ ...page, items: page.items.map((m) => withOutcome(m, event)) })),
  };
}

/**
 * A page just read, with outcomes the client heard of while the read was under way: the server may have answered
 * from before a delivery whose event has already arrived, and that event will not come again.
 */
export function withKnownOutcomes(page: MessagePage, known: ReadonlyMap<string, OutcomeEvent>): MessagePage {
  return {
    ...page,
    items: page.items.map((m) => {
      const event = known.get(m.id);
      return event ? withOutcome(m, event) : m;
    }),
  };
}

/** The latest outcome of each of the last `limit` messages heard of, oldest forgotten first. */
export function createOutcomeMemory(limit: number) {
  const known = new Map<string, OutcomeEvent>();
  return {
    known: known as ReadonlyMap<string, OutcomeEvent>,
    remember(event: OutcomeEvent) {
      known.delete(event.data.messageId);
      known.set(event.data.messageId, event);
      for (const id of known.keys()) {
        if (known.size <= limit) break;
        known.delete(id);
      }
    },
  };
}

/**
 * Whether a list filtered by `filters` must be read again to show the event: a new message it would include, a
 * message it shows (its recipients' results changed), or one that now has the status the list is filtered by.
 */
export function needsRefetch(filters: MessageFilters, list: MessageList, event: MessageEvent): boolean {
  if (filters.credentialId && filters.credentialId !== event.credentialId) return false;
  const present = hasMessage(list, event.data.messageId);
  if (event.type === "message.accepted") {
    // The event names no recipients, so a recipient filter cannot rule the message out; its time can.
    const { since, until } = acceptedBetween(filters);
    const inTime = (!since || event.createdAt >= since) && (!until || event.createdAt < until);
    return !present && inTime && (!filters.status || filters.status === event.data.status);
  }
  return present || filters.status === statusAfter(event);
}
