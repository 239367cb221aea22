import type { CredentialFilter, CredentialSort, SortOrder } from "@relaypost/contract";
import { PASSWORD_MAX_AGE_DAYS, UNUSED_DAYS } from "@relaypost/contract";
import type { CredentialView } from "../../lib/credential-view";

/** The filter menu's choices. */
export const FILTER_LABELS: Record<CredentialFilter, string> = {
  active: "Active",
  inactive: "Inactive",
  neverUsed: "Never used",
  unused: `Unused for ${UNUSED_DAYS} days`,
  oldPassword: `Password older than ${PASSWORD_MAX_AGE_DAYS} days`,
};

/** The order a column starts in when chosen: names A–Z, times newest first. */
export const FIRST_ORDER: Record<CredentialSort, SortOrder> = { username: "asc", lastUsed: "desc", created: "desc" };

/** The orders offered where the table's headers are hidden (phones, where rows are cards). */
export const ORDER_CHOICES: { sort: CredentialSort; order: SortOrder; label: string }[] = [
  { sort: "created", order: "desc", label: "Newest first" },
  { sort: "created", order: "asc", label: "Oldest first" },
  { sort: "username", order: "asc", label: "Username A–Z" },
  { sort: "username", order: "desc", label: "Username Z–A" },
  { sort: "lastUsed", order: "desc", label: "Recently used first" },
  { sort: "lastUsed", order: "asc", label: "Least recently used first" },
];

const plural = (count: number, word: string) => `${word}${count === 1 ? "" : "s"}`;

function listed(filter: CredentialFilter | undefined, total: number): string {
  const credentials = plural(total, "credential");
  switch (filter) {
    case undefined:
      return credentials;
    case "active":
    case "inactive":
      return `${filter} ${credentials}`;
    case "neverUsed":
      return `never-used ${credentials}`;
    case "unused":
      return `${credentials} unused for ${UNUSED_DAYS} days`;
    case "oldPassword":
      return `${credentials} with a password older than ${PASSWORD_MAX_AGE_DAYS} days`;
  }
}

/** The list's footer as a sentence: "Showing 50 of 506 inactive credentials matching “rails”". */
export function listSentence(view: CredentialView, shown: number, total: number): string {
  const matching = view.search ? ` matching “${view.search}”` : "";
  return `Showing ${shown} of ${total} ${listed(view.filter, total)}${matching}`;
}
