import { type JSX, Show } from "solid-js";

/** Under a paged list: what is shown, and a button that loads the next page while there is one. */
export function ListFooter(props: {
  children: JSX.Element;
  pageSize: number;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  return (
    <footer class="list-footer">
      <span class="muted">{props.children}</span>
      <Show when={props.hasMore}>
        <button type="button" class="button" disabled={props.loadingMore} onClick={() => props.onLoadMore()}>
          {props.loadingMore ? "Loading…" : `Load ${props.pageSize} more`}
        </button>
      </Show>
    </footer>
  );
}
