import { type QueryKey, useInfiniteQuery, useQueryClient } from "@tanstack/solid-query";
import { type Accessor, createEffect, onCleanup } from "solid-js";
import { coalesce } from "../../lib/coalesce";
import {
  applyMessageEvent,
  createOutcomeMemory,
  isMessageEvent,
  isMessageStatus,
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
  const keyOf = (f: MessageFilters) => queryKeys.messageList(organizationId(), f.credentialId ?? "", f.status ?? "");
  const query = useInfiniteQuery(() => ({
    queryKey: keyOf(filters()),
    queryFn: async ({ pageParam }) => {
      const page = await session.api().messages.list.query({
        ...filters(),
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
      const shown = JSON.stringify(keyOf(filters()));
      for (const [key, list] of client.getQueriesData<MessageList>({
        queryKey: queryKeys.messages(organizationId()),
      })) {
        if (!list) continue;
        client.setQueryData<MessageList>(key, applyMessageEvent(list, event));
        if (!needsRefetch(filtersOf(key), list, event)) continue;
        // Lists not on screen are only marked stale: they are read when shown again.
        if (JSON.stringify(key) === shown) void refetchShown();
        else void client.invalidateQueries({ queryKey: key, exact: true, refetchType: "none" });
      }
    });
    onCleanup(stop);
  });

  return query;
}

const filtersOf = (key: QueryKey): MessageFilters => {
  const [, , credentialId, status] = key;
  return {
    credentialId: typeof credentialId === "string" && credentialId ? credentialId : undefined,
    status: typeof status === "string" && isMessageStatus(status) ? status : undefined,
  };
};
