import type { CredentialSort, SortOrder } from "@relaypost/contract";
import { For } from "solid-js";
import { ListFooter } from "../../components/list-footer";
import type { Credential } from "../../lib/api";
import type { CredentialView } from "../../lib/credential-view";
import type { CredentialActions } from "./actions";
import { listSentence } from "./list-labels";
import { CredentialRow } from "./row";
import { SortHeader } from "./sort-header";
import { PAGE_SIZE } from "./use-credentials";

export function CredentialTable(props: {
  credentials: Credential[];
  total: number;
  actions: CredentialActions;
  view: CredentialView;
  onSort: (sort: CredentialSort, order: SortOrder) => void;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  // A row added live may be counted before the next read of the total.
  const total = () => Math.max(props.total, props.credentials.length);
  return (
    <>
      <div class="table-wrap">
        <table class="credentials" data-testid="credentials-table">
          <caption class="visually-hidden">SMTP credentials</caption>
          <thead>
            <tr>
              <SortHeader sort="username" label="Username" view={props.view} onSort={props.onSort} />
              <th scope="col">Status</th>
              <SortHeader sort="lastUsed" label="Last used" view={props.view} onSort={props.onSort}>
                {" "}
                <span class="th-sub">sent 24 h / 7 d</span>
              </SortHeader>
              <SortHeader sort="created" label="Created" view={props.view} onSort={props.onSort} />
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={props.credentials}>{(c) => <CredentialRow credential={c} actions={props.actions} />}</For>
          </tbody>
        </table>
      </div>
      <ListFooter
        pageSize={PAGE_SIZE}
        hasMore={props.hasMore}
        loadingMore={props.loadingMore}
        onLoadMore={props.onLoadMore}
      >
        <span data-testid="list-total">{listSentence(props.view, props.credentials.length, total())}</span>
      </ListFooter>
    </>
  );
}
