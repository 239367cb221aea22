import { type QueryKey, useInfiniteQuery, useQueryClient } from "@tanstack/solid-query";
import { type Accessor, createEffect, onCleanup } from "solid-js";
import type { Credential } from "../../lib/api";
import {
  applyLiveEvent,
  type CredentialList,
  keepLastUsed,
  knownLastUsed,
  needsRead,
  removeCredential,
  upsertCredential,
} from "../../lib/credential-cache";
import { type CredentialView, DEFAULT_VIEW } from "../../lib/credential-view";
import { queryKeys } from "../../lib/query";
import { useSession } from "../../lib/session";

export const PAGE_SIZE = 50;

/**
 * The organization's credentials in `view` (search, filter, order), a page at a time. Live events, whoever caused
 * them, change the cached lists in place (every view's), so nothing is reloaded to show them.
 */
export function useCredentials(view: Accessor<CredentialView>) {
  const session = useSession();
  const client = useQueryClient();
  const organizationId = () => session.organizationId() ?? "";
  const cached = () => client.getQueriesData<CredentialList>({ queryKey: queryKeys.credentials(organizationId()) });
  const cachedLists = () => cached().flatMap(([, list]) => (list ? [list] : []));
  const query = useInfiniteQuery(() => ({
    queryKey: queryKeys.credentialList(organizationId(), view()),
    queryFn: async ({ pageParam }) => {
      const { search, sort, order, filter } = view();
      const page = await session.api().smtpCredentials.list.query({
        search: search || undefined,
        sort,
        order,
        filter,
        cursor: pageParam ?? undefined,
        limit: PAGE_SIZE,
      });
      // A refetch may read a login's time before the server has written it; the cache may already show it.
      const known = knownLastUsed(cachedLists());
      return { ...page, items: page.items.map((c) => keepLastUsed(c, known.get(c.id))) };
    },
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    // While a new view loads the previous rows stay; a new organization starts empty, never with another's rows.
    placeholderData: (previous, previousQuery) =>
      previousQuery?.queryKey[1] === organizationId() ? previous : undefined,
  }));

  function update(change: (list: CredentialList, view: CredentialView) => CredentialList) {
    for (const [key, list] of cached()) if (list) client.setQueryData<CredentialList>(key, change(list, viewOf(key)));
  }
  const upsert = (credential: Credential, added: boolean) =>
    update((list, listView) => upsertCredential(list, credential, listView, added));

  async function read(id: string, added: boolean) {
    try {
      upsert(await session.api().smtpCredentials.get.query({ id }), added);
    } catch {
      // Deleted before we could read it: its own deletion event removes it.
    }
  }

  createEffect(() => {
    const stop = session.live().listen((event) => {
      update((list) => applyLiveEvent(list, event));
      if (event.credentialId && needsRead(cachedLists(), event)) {
        void read(event.credentialId, event.type === "credential.created");
      }
    });
    onCleanup(stop);
  });

  return {
    query,
    upsert,
    remove: (id: string) => update((list) => removeCredential(list, id)),
  };
}

const isView = (value: unknown): value is CredentialView =>
  typeof value === "object" && value !== null && "sort" in value && "order" in value;

const viewOf = (key: QueryKey): CredentialView => (isView(key[2]) ? key[2] : DEFAULT_VIEW);
