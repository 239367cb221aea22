// How the credentials list can be ordered and narrowed: the API accepts these, the dashboard offers them.

/** What the list is ordered by; `created` (newest first) is the default. */
export const CREDENTIAL_SORTS = ["created", "username", "lastUsed"] as const;
export type CredentialSort = (typeof CREDENTIAL_SORTS)[number];

export const SORT_ORDERS = ["asc", "desc"] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export const DEFAULT_CREDENTIAL_SORT: CredentialSort = "created";
export const DEFAULT_SORT_ORDER: SortOrder = "desc";

/** A credential with no login in this many days, and none since it was created, is "unused". */
export const UNUSED_DAYS = 30;
/** A password not changed for more than this many days is "old". */
export const PASSWORD_MAX_AGE_DAYS = 90;

/**
 * What the list can be narrowed to. `unused` has had no login in the last UNUSED_DAYS days and is at least that old;
 * `oldPassword` has a password older than PASSWORD_MAX_AGE_DAYS days.
 */
export const CREDENTIAL_FILTERS = ["active", "inactive", "neverUsed", "unused", "oldPassword"] as const;
export type CredentialFilter = (typeof CREDENTIAL_FILTERS)[number];

/** Most credentials one page of the list may hold. */
export const CREDENTIAL_PAGE_MAX = 100;
