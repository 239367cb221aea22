import {
  CREDENTIAL_FILTERS,
  CREDENTIAL_SORTS,
  type CredentialFilter,
  type CredentialSort,
  DEFAULT_CREDENTIAL_SORT,
  DEFAULT_SORT_ORDER,
  PASSWORD_MAX_AGE_DAYS,
  SORT_ORDERS,
  type SortOrder,
  UNUSED_DAYS,
} from "@relaypost/contract";
import type { Credential } from "./api";

/** Which credentials a list shows, and in what order: the server's query, mirrored to place live changes. */
export interface CredentialView {
  search: string;
  sort: CredentialSort;
  order: SortOrder;
  filter: CredentialFilter | undefined;
}

export const DEFAULT_VIEW: CredentialView = {
  search: "",
  sort: DEFAULT_CREDENTIAL_SORT,
  order: DEFAULT_SORT_ORDER,
  filter: undefined,
};

const oneOf = <T extends string>(values: readonly T[], value: string | undefined): T | undefined =>
  values.find((v) => v === value);

/** The view an address names; a value it does not know (an old or edited link) falls back to the default. */
export function viewFromParams(params: { q?: string; sort?: string; order?: string; filter?: string }): CredentialView {
  return {
    search: (params.q ?? "").trim(),
    sort: oneOf(CREDENTIAL_SORTS, params.sort) ?? DEFAULT_VIEW.sort,
    order: oneOf(SORT_ORDERS, params.order) ?? DEFAULT_VIEW.order,
    filter: oneOf(CREDENTIAL_FILTERS, params.filter),
  };
}

export const matchesSearch = (credential: Credential, term: string) => {
  const t = term.trim().toLowerCase();
  return t === "" || credential.username.toLowerCase().includes(t) || credential.description.toLowerCase().includes(t);
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** No login in the last UNUSED_DAYS days, and created before them. */
export const notUsedRecently = (credential: Credential, at: number) =>
  (credential.lastUsedAt ?? credential.createdAt).getTime() < at - UNUSED_DAYS * DAY_MS;

export const passwordIsOld = (credential: Credential, at: number) =>
  credential.passwordChangedAt.getTime() < at - PASSWORD_MAX_AGE_DAYS * DAY_MS;

/** The server's filters (packages/core listing), for a credential the list learns of without asking. */
export function matchesFilter(credential: Credential, filter: CredentialFilter | undefined, now: Date): boolean {
  switch (filter) {
    case undefined:
      return true;
    case "active":
      return credential.active;
    case "inactive":
      return !credential.active;
    case "neverUsed":
      return credential.lastUsedAt === null;
    case "unused":
      return notUsedRecently(credential, now.getTime());
    case "oldPassword":
      return passwordIsOld(credential, now.getTime());
  }
}

export const matchesView = (credential: Credential, view: CredentialView, now: Date) =>
  matchesSearch(credential, view.search) && matchesFilter(credential, view.filter, now);

const sortKey = (credential: Credential, sort: CredentialSort): string | number => {
  if (sort === "username") return credential.username.toLowerCase();
  if (sort === "lastUsed") return credential.lastUsedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  return credential.createdAt.getTime();
};

/** The server's order: by the sort key, ties by id, never used as the oldest use; negative when `a` comes first. */
export function compareInView(view: CredentialView): (a: Credential, b: Credential) => number {
  const sign = view.order === "asc" ? 1 : -1;
  return (a, b) => {
    const ka = sortKey(a, view.sort);
    const kb = sortKey(b, view.sort);
    if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
    return a.id === b.id ? 0 : (a.id < b.id ? -1 : 1) * sign;
  };
}
