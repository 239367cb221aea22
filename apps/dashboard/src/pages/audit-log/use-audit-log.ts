import type { AuditFilter } from "@relaypost/contract";
import { useInfiniteQuery, useQuery } from "@tanstack/solid-query";
import type { Accessor } from "solid-js";
import { queryKeys } from "../../lib/query";
import { useSession } from "../../lib/session";

export const PAGE_SIZE = 50;

/** A filter as a query key: plain strings, so equal filters share one cache entry. */
const keyOf = (filter: AuditFilter) => [
  filter.actor ?? "",
  filter.actions?.join(",") ?? "",
  filter.target ?? "",
  filter.since?.toISOString() ?? "",
  filter.until?.toISOString() ?? "",
];

/** The organization's log matching `filter`, newest first, a page at a time. */
export function useAuditLog(filter: Accessor<AuditFilter>) {
  const session = useSession();
  const organizationId = () => session.organizationId() ?? "";
  return useInfiniteQuery(() => ({
    queryKey: [...queryKeys.auditLog(organizationId()), "list", ...keyOf(filter())],
    queryFn: ({ pageParam }) => session.api().auditLog.list.query({ ...filter(), cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: null as number | null,
    getNextPageParam: (page) => page.nextCursor,
    // While other filters load the previous rows stay; a new organization starts empty, never with another's rows.
    placeholderData: (previous, previousQuery) =>
      previousQuery?.queryKey[1] === organizationId() ? previous : undefined,
  }));
}

/** Everyone in the organization's log, for the actor menu. */
export function useAuditActors() {
  const session = useSession();
  return useQuery(() => ({
    queryKey: [...queryKeys.auditLog(session.organizationId() ?? ""), "actors"],
    queryFn: () => session.api().auditLog.actors.query(),
  }));
}
