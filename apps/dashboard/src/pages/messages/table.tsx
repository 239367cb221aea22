import { createSignal, For } from "solid-js";
import { ListFooter } from "../../components/list-footer";
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
      <ListFooter
        pageSize={PAGE_SIZE}
        hasMore={props.hasMore}
        loadingMore={props.loadingMore}
        onLoadMore={props.onLoadMore}
      >
        Showing {count()} message{count() === 1 ? "" : "s"}
      </ListFooter>
    </>
  );
}
