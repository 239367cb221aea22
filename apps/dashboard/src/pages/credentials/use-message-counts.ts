import { useQuery, useQueryClient } from "@tanstack/solid-query";
import { createEffect, onCleanup } from "solid-js";
import { countAccepted, countsOf, type MessageCounts } from "../../lib/message-counts";
import { queryKeys } from "../../lib/query";
import { useSession } from "../../lib/session";

/** Messages each credential sent in the last 24 hours and 7 days; each accepted message counts at once, live. */
export function useMessageCounts() {
  const session = useSession();
  const client = useQueryClient();
  const key = () => queryKeys.messageCounts(session.organizationId() ?? "");
  const query = useQuery(() => ({
    queryKey: key(),
    queryFn: () => session.api().messages.countsByCredential.query(),
  }));
  createEffect(() => {
    const stop = session.live().listen((event) => {
      const id = event.credentialId;
      if (event.type !== "message.accepted" || !id) return;
      client.setQueryData<MessageCounts>(key(), (counts) => (counts ? countAccepted(counts, id) : counts));
    });
    onCleanup(stop);
  });
  return (credentialId: string) => (query.data ? countsOf(query.data, credentialId) : undefined);
}
