import { MESSAGE_STATUSES, type MessageStatus } from "@relaypost/contract";
import { For, Show } from "solid-js";
import type { Credential } from "../../lib/api";
import { isMessageStatus, type MessageFilters } from "../../lib/message-cache";
import { STATUS_TEXT } from "./status-badge";

/** The credential and status menus above the message log; "" in either means all. */
export function MessageFilterBar(props: {
  filters: MessageFilters;
  credentials: Credential[];
  onChange: (filters: MessageFilters) => void;
}) {
  const set = (change: MessageFilters) => props.onChange({ ...props.filters, ...change });
  return (
    <div class="toolbar toolbar-wrap">
      <label class="compact-field labelled-field">
        <span>Credential</span>
        <select
          value={props.filters.credentialId ?? ""}
          onChange={(e) => set({ credentialId: e.currentTarget.value || undefined })}
          data-testid="filter-credential"
        >
          <option value="">All credentials</option>
          <For each={props.credentials}>{(c) => <option value={c.id}>{c.username}</option>}</For>
        </select>
      </label>
      <label class="compact-field labelled-field">
        <span>Status</span>
        <select
          value={props.filters.status ?? ""}
          onChange={(e) => {
            const value = e.currentTarget.value;
            set({ status: isMessageStatus(value) ? value : undefined });
          }}
          data-testid="filter-status"
        >
          <option value="">Any status</option>
          <For each={MESSAGE_STATUSES}>
            {(status: MessageStatus) => <option value={status}>{STATUS_TEXT[status].label}</option>}
          </For>
        </select>
      </label>
      <Show when={props.filters.credentialId || props.filters.status}>
        <button type="button" class="link-button" onClick={() => props.onChange({})}>
          Clear filters
        </button>
      </Show>
    </div>
  );
}
