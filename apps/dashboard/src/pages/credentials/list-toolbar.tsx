import { CREDENTIAL_FILTERS, type CredentialFilter, type CredentialSort, type SortOrder } from "@relaypost/contract";
import { createUniqueId, For, Show } from "solid-js";
import { FormError } from "../../components/form";
import { Icon } from "../../components/icon";
import type { CredentialView } from "../../lib/credential-view";
import { FILTER_LABELS, ORDER_CHOICES } from "./list-labels";
import { SearchBox } from "./search-box";
import { useCredentialExport } from "./use-export";

/** Above the list: the search, which credentials to show, and the CSV export of exactly those. */
export function ListToolbar(props: {
  view: CredentialView;
  onSearch: (search: string) => void;
  onFilter: (filter: CredentialFilter | undefined) => void;
  onSort: (sort: CredentialSort, order: SortOrder) => void;
}) {
  const filterId = createUniqueId();
  const orderId = createUniqueId();
  const exporter = useCredentialExport(() => props.view);
  return (
    <>
      <div class="toolbar toolbar-wrap">
        <SearchBox value={props.view.search} onSearch={props.onSearch} />
        <span class="labelled-field">
          <label for={filterId}>Show</label>
          <select
            id={filterId}
            value={props.view.filter ?? ""}
            onChange={(e) => props.onFilter(CREDENTIAL_FILTERS.find((f) => f === e.currentTarget.value))}
          >
            <option value="">All credentials</option>
            <For each={CREDENTIAL_FILTERS}>{(filter) => <option value={filter}>{FILTER_LABELS[filter]}</option>}</For>
          </select>
        </span>
        <span class="labelled-field credentials-order">
          <label for={orderId}>Order</label>
          <select
            id={orderId}
            value={`${props.view.sort}:${props.view.order}`}
            onChange={(e) => {
              const choice = ORDER_CHOICES.find((c) => `${c.sort}:${c.order}` === e.currentTarget.value);
              if (choice) props.onSort(choice.sort, choice.order);
            }}
          >
            <For each={ORDER_CHOICES}>
              {(choice) => <option value={`${choice.sort}:${choice.order}`}>{choice.label}</option>}
            </For>
          </select>
        </span>
        <button
          type="button"
          class="button button-small"
          disabled={exporter.progress() !== null}
          onClick={() => void exporter.run()}
        >
          <Icon name="download" /> Export CSV
        </button>
        <span role="status" class="muted credentials-export-progress">
          <Show when={exporter.progress()}>
            {(progress) => `Exporting… ${progress().read} of ${progress().total || "?"} credentials`}
          </Show>
        </span>
      </div>
      <FormError message={exporter.error()} />
    </>
  );
}
