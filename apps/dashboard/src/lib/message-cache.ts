import { MESSAGE_EVENT_TYPES, MESSAGE_STATUSES, type MessageEventType, type MessageStatus } from "@relaypost/contract";
import type { InfiniteData } from "@tanstack/solid-query";
import type { Outputs } from "./api";
import type { LiveEvent } from "./live";

export type MessagePage = Outputs["messages"]["list"];
export type Message = MessagePage["items"][number];
export type MessageList = InfiniteData<MessagePage>;
export type MessageEvent = Extract<LiveEvent, { type: MessageEventType }>;

/** What the Messages page is narrowed to (both kept in the address). */
export interface MessageFilters {
  credentialId?: string | undefined;
  status?: MessageStatus | undefined;
}

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

/**
 * A delivery outcome written into the cached rows: status, attempts, last reply and delivery time, which the event
 * carries. Per-recipient results it does not carry; `needsRefetch` asks for them.
 */
export function applyMessageEvent(list: MessageList, event: MessageEvent): MessageList {
  if (event.type === "message.accepted" || !hasMessage(list, event.data.messageId)) return list;
  const change = (m: Message): Message => ({
    ...m,
    status: statusAfter(event),
    attempts: event.data.attempts,
    lastReply: event.data.reply,
    relayedAt: event.type === "message.relayed" ? event.createdAt : null,
  });
  return {
    ...list,
    pages: list.pages.map((page) => ({
      ...page,
      items: page.items.map((m) => (m.id === event.data.messageId ? change(m) : m)),
    })),
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
    return !present && (!filters.status || filters.status === event.data.status);
  }
  return present || filters.status === statusAfter(event);
}
