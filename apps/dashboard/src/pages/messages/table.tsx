import { createSignal, For, Show } from "solid-js";
import type { Message } from "../../lib/message-cache";
import { COLUMNS, MessageRow } from "./row";
import { PAGE_SIZE } from "./use-messages";

export function MessageTable(props: {
  messages: Message[];
  credentialName: (id: string | null) => string;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  const [open, setOpen] = createSignal<string | null>(null);
  const count = () => props.messages.length;
  return (
    <>
      <div class="table-wrap" data-testid="messages-scroll">
        <table class="messages" data-testid="messages-table">
          <caption class="visually-hidden">Messages, newest first</caption>
          <thead>
            <tr>
              <For each={COLUMNS}>{(column) => <th scope="col">{column}</th>}</For>
              <th scope="col">
                <span class="visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={props.messages}>
              {(m) => (
                <MessageRow
                  message={m}
                  credential={props.credentialName(m.credentialId)}
                  open={open() === m.id}
                  onToggle={() => setOpen(open() === m.id ? null : m.id)}
                />
              )}
            </For>
          </tbody>
        </table>
      </div>
      <footer class="list-footer">
        <span class="muted">
          Showing {count()} message{count() === 1 ? "" : "s"}
        </span>
        <Show when={props.hasMore}>
          <button type="button" class="button" disabled={props.loadingMore} onClick={() => props.onLoadMore()}>
            {props.loadingMore ? "Loading…" : `Load ${PAGE_SIZE} more`}
          </button>
        </Show>
      </footer>
    </>
  );
}
