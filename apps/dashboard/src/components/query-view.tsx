import { type Accessor, type JSX, Match, Switch } from "solid-js";
import { isUnreachable } from "../lib/query";
import { Icon, type IconName } from "./icon";
import { EmptyState, ErrorState, Spinner } from "./ui";

/** The part of a query's state a view draws from (a `useQuery` or `useInfiniteQuery` result). */
export interface QueryState<T> {
  data: T | undefined;
  isLoadingError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/**
 * One loading / error / empty / content ladder for every list: a spinner until the first answer, the failure with a
 * retry, the empty state when there is nothing, else the content. Later failures (a next page, a refetch) keep the
 * rows on screen. A request that got no answer says the server cannot be reached, always with a retry (the query
 * layer also asks again by itself once the connection is back); a server's refusal keeps its own message.
 */
export function QueryView<T>(props: {
  query: QueryState<T>;
  loadingLabel?: string;
  isEmpty?: (data: T) => boolean;
  empty?: { icon: IconName; title: string; children?: JSX.Element };
  children: (data: Accessor<T>) => JSX.Element;
}) {
  const data = () => props.query.data;
  const empty = () => {
    const value = data();
    return value !== undefined && props.empty !== undefined && (props.isEmpty?.(value) ?? false);
  };
  return (
    <Switch fallback={<Spinner label={props.loadingLabel} />}>
      <Match when={props.query.isLoadingError && isUnreachable(props.query.error)}>
        <Unreachable retry={() => void props.query.refetch()} />
      </Match>
      <Match when={props.query.isLoadingError}>
        <ErrorState error={props.query.error} retry={() => void props.query.refetch()} />
      </Match>
      <Match when={empty() && props.empty}>
        {(view) => (
          <EmptyState icon={view().icon} title={view().title}>
            {view().children}
          </EmptyState>
        )}
      </Match>
      <Match when={data() !== undefined}>{props.children(data as Accessor<T>)}</Match>
    </Switch>
  );
}

function Unreachable(props: { retry: () => void }) {
  return (
    <div class="state state-error" role="alert" data-testid="unreachable">
      <Icon name="alert" size={22} />
      <h3>Can't reach RelayPost</h3>
      <p class="muted">Check your network connection. This page loads again by itself once RelayPost is reachable.</p>
      <button type="button" class="button" onClick={() => props.retry()}>
        Retry
      </button>
    </div>
  );
}
