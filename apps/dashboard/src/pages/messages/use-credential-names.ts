import { useQuery, useQueryClient } from "@tanstack/solid-query";
import { createEffect, createMemo, onCleanup } from "solid-js";
import type { Credential } from "../../lib/api";
import { queryKeys } from "../../lib/query";
import { useSession } from "../../lib/session";

/** Enough for any organization's filter menu; beyond it rows name the credential by id. */
const MAX_PAGES = 10;

/**
 * The organization's credentials by id, for naming each message's credential and for the filter. Messages carry
 * only the id; a credential created or deleted elsewhere is read again from its live event.
 */
export function useCredentialNames() {
  const session = useSession();
  const client = useQueryClient();
  const key = () => queryKeys.credentialNames(session.organizationId() ?? "");
  const query = useQuery(() => ({
    queryKey: key(),
    queryFn: async () => {
      const credentials: Credential[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await session.api().smtpCredentials.list.query({ cursor, limit: 100 });
        credentials.push(...result.items);
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      return credentials;
    },
  }));
  createEffect(() => {
    const stop = session.live().listen((event) => {
      if (event.type === "credential.created" || event.type === "credential.deleted") {
        void client.invalidateQueries({ queryKey: key(), exact: true });
      }
    });
    onCleanup(stop);
  });
  const byId = createMemo(() => new Map((query.data ?? []).map((c) => [c.id, c.username])));
  return {
    credentials: () => query.data ?? [],
    /** The username, or how to name a credential that is gone or not among those read. */
    name: (id: string | null) =>
      id === null ? "Deleted credential" : (byId().get(id) ?? `Credential ${id.slice(0, 8)}`),
  };
}
