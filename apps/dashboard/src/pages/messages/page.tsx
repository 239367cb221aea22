import { useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, on } from "solid-js";
import { FormError } from "../../components/form";
import { QueryView } from "../../components/query-view";
import { PageHeader } from "../../components/ui";
import { errorMessage } from "../../lib/api";
import { allMessages, isMessageStatus, type MessageFilters } from "../../lib/message-cache";
import { useSession } from "../../lib/session";
import { MessageFilterBar } from "./filters";
import { NotRelayedBanner } from "./not-relayed-banner";
import { MessageTable } from "./table";
import { useCredentialNames } from "./use-credential-names";
import { useMessages } from "./use-messages";

/** `?credential=` and `?status=` narrow the log; an unknown status is ignored. */
type Params = { credential?: string; status?: string };

export function MessagesPage() {
  const session = useSession();
  const [params, setSearchParams] = useSearchParams<Params>();
  const filters = createMemo(
    (): MessageFilters => ({
      credentialId: params.credential || undefined,
      status: isMessageStatus(params.status) ? params.status : undefined,
    }),
  );
  const setFilters = (next: MessageFilters) =>
    setSearchParams({ credential: next.credentialId, status: next.status }, { replace: true, scroll: false });
  const names = useCredentialNames();
  const query = useMessages(filters);
  const messages = createMemo(() => allMessages(query.data));
  const [error, setError] = createSignal<string | null>(null);
  createEffect(on(session.organizationId, () => setFilters({}), { defer: true }));

  const loadMore = async () => {
    setError(null);
    const result = await query.fetchNextPage();
    if (result.isError) setError(errorMessage(result.error));
  };
  const filtered = () => Boolean(filters().credentialId || filters().status);

  return (
    <div class="page">
      <PageHeader
        eyebrow="Mail"
        title="Messages"
        lead="Every message your applications sent through RelayPost, newest first, and what the upstream answered."
      />
      <NotRelayedBanner />
      <section class="panel panel-flush" aria-label="Messages">
        <MessageFilterBar filters={filters()} credentials={names.credentials()} onChange={setFilters} />
        <FormError message={error()} />
        <QueryView
          query={query}
          loadingLabel="Loading messages…"
          isEmpty={(data) => allMessages(data).length === 0}
          empty={
            filtered()
              ? { icon: "search", title: "No messages match these filters" }
              : {
                  icon: "mail",
                  title: "No messages yet",
                  children: <p class="muted">Messages appear here as soon as an application sends one over SMTP.</p>,
                }
          }
        >
          {() => (
            <MessageTable
              messages={messages()}
              credentialName={names.name}
              hasMore={query.hasNextPage}
              loadingMore={query.isFetchingNextPage}
              onLoadMore={() => void loadMore()}
            />
          )}
        </QueryView>
      </section>
    </div>
  );
}
