import type { CredentialSort, SortOrder } from "@relaypost/contract";
import type { JSX } from "solid-js";
import type { CredentialView } from "../../lib/credential-view";
import { FIRST_ORDER } from "./list-labels";

/**
 * A column header that orders the list by its column: chosen, it starts in the column's natural order; chosen again,
 * it reverses. `aria-sort` tells screen readers the current order.
 */
export function SortHeader(props: {
  sort: CredentialSort;
  label: string;
  view: CredentialView;
  onSort: (sort: CredentialSort, order: SortOrder) => void;
  children?: JSX.Element;
}) {
  const current = () => props.view.sort === props.sort;
  const next = (): SortOrder => {
    if (!current()) return FIRST_ORDER[props.sort];
    return props.view.order === "asc" ? "desc" : "asc";
  };
  return (
    <th scope="col" aria-sort={current() ? (props.view.order === "asc" ? "ascending" : "descending") : undefined}>
      <button type="button" class="sort-button" onClick={() => props.onSort(props.sort, next())}>
        {props.label}
        <span class="sort-arrow" aria-hidden="true">
          {current() ? (props.view.order === "asc" ? "↑" : "↓") : "↕"}
        </span>
      </button>
      {props.children}
    </th>
  );
}
