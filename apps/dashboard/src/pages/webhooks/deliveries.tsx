import { useInfiniteQuery } from "@tanstack/solid-query";
import { For, Show } from "solid-js";
import { Icon } from "../../components/icon";
import { ListFooter } from "../../components/list-footer";
import { QueryView } from "../../components/query-view";
import { RelativeTime } from "../../components/ui";
import { queryKeys } from "../../lib/query";
import { useSession } from "../../lib/session";
import { describeAnswer } from "../../lib/webhooks";
import type { Delivery } from "./actions";

const PAGE_SIZE = 20;
const STATUS = {
  pending: { label: "Pending", badge: "badge-deferred" },
  delivered: { label: "Delivered", badge: "badge-relayed" },
  failed: { label: "Failed", badge: "badge-failed" },
} as const;

/** An endpoint's deliveries, newest first, a page at a time; read again on demand, as attempts happen meanwhile. */
export function Deliveries(props: { endpointId: string; url: string }) {
  const session = useSession();
  const query = useInfiniteQuery(() => ({
    queryKey: queryKeys.webhookDeliveries(session.organizationId() ?? "", props.endpointId),
    queryFn: ({ pageParam }) =>
      session.api().webhooks.deliveries.query({ endpointId: props.endpointId, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  }));
  const items = () => query.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section aria-label={`Deliveries to ${props.url}`} data-testid="webhook-deliveries">
      <header class="webhook-deliveries-header">
        <h3 class="subhead">Deliveries</h3>
        <button
          type="button"
          class="button button-small"
          disabled={query.isFetching}
          onClick={() => void query.refetch()}
          aria-label={`Refresh deliveries of webhook ${props.url}`}
        >
          <Icon name="refresh" /> Refresh
        </button>
      </header>
      <QueryView
        query={query}
        isEmpty={() => items().length === 0}
        empty={{ icon: "list", title: "No deliveries yet" }}
      >
        {() => (
          <>
            <ul class="delivery-list">
              <For each={items()}>{(delivery) => <DeliveryItem delivery={delivery} />}</For>
            </ul>
            <ListFooter
              pageSize={PAGE_SIZE}
              hasMore={query.hasNextPage}
              loadingMore={query.isFetchingNextPage}
              onLoadMore={() => void query.fetchNextPage()}
            >
              {items().length} {items().length === 1 ? "delivery" : "deliveries"}, newest first
            </ListFooter>
          </>
        )}
      </QueryView>
    </section>
  );
}

function DeliveryItem(props: { delivery: Delivery }) {
  const d = () => props.delivery;
  return (
    <li class="delivery" data-testid="webhook-delivery" data-event-type={d().eventType}>
      <span class="mono delivery-event">{d().eventType}</span>
      <span class={`badge badge-message ${STATUS[d().status].badge}`} data-testid="delivery-status">
        {STATUS[d().status].label}
      </span>
      <span class="muted">
        {d().attempts} {d().attempts === 1 ? "attempt" : "attempts"}
      </span>
      <span class="muted">
        Last: <RelativeTime date={d().lastAttemptAt} />
      </span>
      <Show when={d().status === "pending" && d().nextAttemptAt}>
        {(next) => (
          <span class="muted">
            Next: <RelativeTime date={next()} />
          </span>
        )}
      </Show>
      <span class="mono delivery-answer" data-testid="delivery-answer">
        {describeAnswer(d())}
      </span>
    </li>
  );
}
