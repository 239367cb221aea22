import { For } from "solid-js";
import { ListFooter } from "../../components/list-footer";
import type { Credential } from "../../lib/api";
import type { CredentialActions } from "./actions";
import { CredentialRow } from "./row";
import { PAGE_SIZE } from "./use-credentials";

export function CredentialTable(props: {
  credentials: Credential[];
  actions: CredentialActions;
  search: string;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  const count = () => props.credentials.length;
  return (
    <>
      <div class="table-wrap">
        <table class="credentials" data-testid="credentials-table">
          <caption class="visually-hidden">SMTP credentials</caption>
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Status</th>
              <th scope="col">
                Last used <span class="th-sub">sent 24 h / 7 d</span>
              </th>
              <th scope="col">Created</th>
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
        Showing {count()} credential{count() === 1 ? "" : "s"}
        {props.hasMore ? "" : props.search ? " matching" : ""}
      </ListFooter>
    </>
  );
}
