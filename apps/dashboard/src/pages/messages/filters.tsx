import { MESSAGE_STATUSES, type MessageStatus } from "@relaypost/contract";
import { For, Show } from "solid-js";
import type { Credential } from "../../lib/api";
import { dayOf, isFiltered, isMessageStatus, type MessageFilters } from "../../lib/message-cache";
import { STATUS_TEXT } from "./status-badge";

/**
 * The filters above the message log: credential, status, recipient and the days accepted; an empty field means all.
 * Text and days apply on change (Enter or leaving the field), not on every key.
 */
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
      <label class="compact-field labelled-field">
        <span>Recipient</span>
        <input
          type="email"
          placeholder="someone@example.com"
          value={props.filters.recipient ?? ""}
          onChange={(e) => set({ recipient: e.currentTarget.value.trim() || undefined })}
          data-testid="filter-recipient"
        />
      </label>
      <DayField
        label="From"
        value={props.filters.fromDay}
        max={props.filters.toDay}
        onChange={(fromDay) => set({ fromDay })}
        testId="filter-from"
      />
      <DayField
        label="To"
        value={props.filters.toDay}
        min={props.filters.fromDay}
        onChange={(toDay) => set({ toDay })}
        testId="filter-to"
      />
      <Show when={isFiltered(props.filters)}>
        <button type="button" class="link-button" onClick={() => props.onChange({})}>
          Clear filters
        </button>
      </Show>
    </div>
  );
}

/** A day picker of the filter bar; a day that is not a real one reads as none. */
function DayField(props: {
  label: string;
  value: string | undefined;
  min?: string | undefined;
  max?: string | undefined;
  onChange: (day: string | undefined) => void;
  testId: string;
}) {
  return (
    <label class="compact-field labelled-field">
      <span>{props.label}</span>
      <input
        type="date"
        value={props.value ?? ""}
        min={props.min}
        max={props.max}
        onChange={(e) => props.onChange(dayOf(e.currentTarget.value))}
        data-testid={props.testId}
      />
    </label>
  );
}
