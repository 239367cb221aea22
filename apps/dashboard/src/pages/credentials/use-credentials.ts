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
import { queryKeys } from "../../lib/query";
import { useSession } from "../../lib/session";

export const PAGE_SIZE = 50;

/**
 * The organization's credentials matching `search`, a page at a time. Live events, whoever caused them, change the
 * cached lists in place (every search's), so nothing is reloaded to show them.
 */
export function useCredentials(search: Accessor<string>) {
  const session = useSession();
  const client = useQueryClient();
  const organizationId = () => session.organizationId() ?? "";
  const cached = () => client.getQueriesData<CredentialList>({ queryKey: queryKeys.credentials(organizationId()) });
  const cachedLists = () => cached().flatMap(([, list]) => (list ? [list] : []));
  const query = useInfiniteQuery(() => ({
    queryKey: queryKeys.credentialList(organizationId(), search().trim()),
    queryFn: async ({ pageParam }) => {
      const page = await session.api().smtpCredentials.list.query({
        search: search().trim() || undefined,
        cursor: pageParam ?? undefined,
        limit: PAGE_SIZE,
      });
      // A refetch may read a login's time before the server has written it; the cache may already show it.
      const known = knownLastUsed(cachedLists());
      return { ...page, items: page.items.map((c) => keepLastUsed(c, known.get(c.id))) };
    },
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    // While a new search loads the previous rows stay; a new organization starts empty, never with another's rows.
    placeholderData: (previous, previousQuery) =>
      previousQuery?.queryKey[1] === organizationId() ? previous : undefined,
  }));

  function update(change: (list: CredentialList, search: string) => CredentialList) {
    for (const [key, list] of cached()) if (list) client.setQueryData<CredentialList>(key, change(list, searchOf(key)));
  }
  const upsert = (credential: Credential, prepend: boolean) =>
    update((list, term) => upsertCredential(list, credential, term, prepend));

  async function read(id: string, prepend: boolean) {
    try {
      upsert(await session.api().smtpCredentials.get.query({ id }), prepend);
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

const searchOf = (key: QueryKey) => (typeof key[2] === "string" ? key[2] : "");
