import { CREDENTIAL_FILTERS, type CredentialFilter } from "@relaypost/contract";
import { createUniqueId, For, Show } from "solid-js";
import { FormError } from "../../components/form";
import { Icon } from "../../components/icon";
import type { CredentialView } from "../../lib/credential-view";
import { FILTER_LABELS } from "./list-labels";
import { SearchBox } from "./search-box";
import { useCredentialExport } from "./use-export";

/** Above the list: the search, which credentials to show, and the CSV export of exactly those. */
export function ListToolbar(props: {
  view: CredentialView;
  onSearch: (search: string) => void;
  onFilter: (filter: CredentialFilter | undefined) => void;
}) {
  const filterId = createUniqueId();
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
