import { hashKey, type QueryKey, useInfiniteQuery, useQueryClient } from "@tanstack/solid-query";
import { type Accessor, createEffect, onCleanup } from "solid-js";
import { coalesce } from "../../lib/coalesce";
import {
  acceptedBetween,
  applyMessageEvent,
  createOutcomeMemory,
  isMessageEvent,
  type MessageFilters,
  type MessageList,
  needsRefetch,
  withKnownOutcomes,
} from "../../lib/message-cache";
import { queryKeys } from "../../lib/query";
import { useSession } from "../../lib/session";

export const PAGE_SIZE = 50;
/** Outcomes remembered for pages read while they arrive: far more than a page holds. */
const REMEMBERED_OUTCOMES = 1_000;

/**
 * The organization's messages matching `filters`, newest first, a page at a time. Live delivery outcomes change the
 * cached rows at once, and pages read later (a read may have started before the delivery); new messages and
 * per-recipient results are read again, one read at a time however many events arrive.
 */
export function useMessages(filters: Accessor<MessageFilters>) {
  const session = useSession();
  const client = useQueryClient();
  const organizationId = () => session.organizationId() ?? "";
  const outcomes = createOutcomeMemory(REMEMBERED_OUTCOMES);
  const keyOf = (f: MessageFilters) => queryKeys.messageList(organizationId(), f);
  const query = useInfiniteQuery(() => ({
    queryKey: keyOf(filters()),
    queryFn: async ({ pageParam }) => {
      const { credentialId, status, recipient } = filters();
      const page = await session.api().messages.list.query({
        credentialId,
        status,
        recipient,
        ...acceptedBetween(filters()),
        cursor: pageParam ?? undefined,
        limit: PAGE_SIZE,
      });
      return withKnownOutcomes(page, outcomes.known);
    },
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    // While other filters load the previous rows stay; a new organization starts empty, never with another's rows.
    placeholderData: (previous, previousQuery) =>
      previousQuery?.queryKey[1] === organizationId() ? previous : undefined,
  }));

  const refetchShown = coalesce(() => client.refetchQueries({ queryKey: keyOf(filters()), exact: true }));

  createEffect(() => {
    const stop = session.live().listen((event) => {
      if (!isMessageEvent(event)) return;
      if (event.type !== "message.accepted") outcomes.remember(event);
      const shown = hashKey(keyOf(filters()));
      for (const [key, list] of client.getQueriesData<MessageList>({
        queryKey: queryKeys.messages(organizationId()),
      })) {
        if (!list) continue;
        client.setQueryData<MessageList>(key, applyMessageEvent(list, event));
        if (!needsRefetch(filtersOf(key), list, event)) continue;
        // Lists not on screen are only marked stale: they are read when shown again.
        if (hashKey(key) === shown) void refetchShown();
        else void client.invalidateQueries({ queryKey: key, exact: true, refetchType: "none" });
      }
    });
    onCleanup(stop);
  });

  return query;
}

/** The filters a cached list was read with: the last element of its key (see `queryKeys.messageList`). */
const filtersOf = (key: QueryKey): MessageFilters => {
  const filters = key[2];
  return typeof filters === "object" && filters !== null ? (filters as MessageFilters) : {};
};
