import { useSearchParams } from "@solidjs/router";
import { useQueryClient } from "@tanstack/solid-query";
import { createEffect, createMemo, createSignal, on, Show } from "solid-js";
import { FormError } from "../../components/form";
import { QueryView } from "../../components/query-view";
import { PageHeader } from "../../components/ui";
import { errorMessage } from "../../lib/api";
import { allMessages, dayOf, isFiltered, isMessageStatus, type MessageFilters } from "../../lib/message-cache";
import { queryKeys } from "../../lib/query";
import { useSession } from "../../lib/session";
import { MessageFilterBar } from "./filters";
import { NotRelayedBanner } from "./not-relayed-banner";
import { PurgeDialog } from "./purge-dialog";
import { MessageTable } from "./table";
import { useCredentialNames } from "./use-credential-names";
import { useMessages } from "./use-messages";

/** `?credential=`, `?status=`, `?recipient=`, `?from=` and `?to=` (days) narrow the log; malformed values are ignored. */
type Params = { credential?: string; status?: string; recipient?: string; from?: string; to?: string };

export function MessagesPage() {
  const session = useSession();
  const [params, setSearchParams] = useSearchParams<Params>();
  const filters = createMemo(
    (): MessageFilters => ({
      credentialId: params.credential || undefined,
      status: isMessageStatus(params.status) ? params.status : undefined,
      recipient: params.recipient || undefined,
      fromDay: dayOf(params.from),
      toDay: dayOf(params.to),
    }),
  );
  const setFilters = (next: MessageFilters) =>
    setSearchParams(
      {
        credential: next.credentialId,
        status: next.status,
        recipient: next.recipient,
        from: next.fromDay,
        to: next.toDay,
      },
      { replace: true, scroll: false },
    );
  const names = useCredentialNames();
  const query = useMessages(filters);
  const messages = createMemo(() => allMessages(query.data));
  const [error, setError] = createSignal<string | null>(null);
  const [purging, setPurging] = createSignal(false);
  const [purged, setPurged] = createSignal<number | null>(null);
  const client = useQueryClient();
  createEffect(
    on(
      session.organizationId,
      () => {
        setFilters({});
        setPurged(null);
      },
      { defer: true },
    ),
  );

  const loadMore = async () => {
    setError(null);
    const result = await query.fetchNextPage();
    if (result.isError) setError(errorMessage(result.error));
  };
  const filtered = () => isFiltered(filters());
  const afterPurge = (deleted: number) => {
    setPurging(false);
    setPurged(deleted);
    void client.invalidateQueries({ queryKey: queryKeys.messages(session.organizationId() ?? "") });
    void client.invalidateQueries({ queryKey: queryKeys.messageCounts(session.organizationId() ?? "") });
  };

  return (
    <div class="page">
      <PageHeader
        eyebrow="Mail"
        title="Messages"
        lead="Every message your applications sent through RelayPost, newest first, and what the upstream answered."
        action={{ icon: "trash", label: "Delete message log", onClick: () => setPurging(true), danger: true }}
      />
      <Show when={purged() !== null}>
        <p class="notice" role="status" data-testid="purged">
          Deleted {purged()} message{purged() === 1 ? "" : "s"} from the log.
        </p>
      </Show>
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
      <Show when={purging()}>
        <PurgeDialog onClose={() => setPurging(false)} onDone={afterPurge} />
      </Show>
    </div>
  );
}
