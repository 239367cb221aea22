import type { InfiniteData } from "@tanstack/solid-query";
import type { Credential, Outputs } from "./api";
import { type CredentialView, compareInView, matchesView } from "./credential-view";
import type { LiveEvent } from "./live";

export type CredentialPage = Outputs["smtpCredentials"]["list"];
export type CredentialList = InfiniteData<CredentialPage>;

const mapItems = (list: CredentialList, change: (items: Credential[]) => Credential[]): CredentialList => ({
  ...list,
  pages: list.pages.map((page) => ({ ...page, items: change(page.items) })),
});

const mapCredential = (list: CredentialList, id: string, change: (credential: Credential) => Credential) =>
  mapItems(list, (items) => items.map((c) => (c.id === id ? change(c) : c)));

export const hasCredential = (list: CredentialList, id: string) =>
  list.pages.some((page) => page.items.some((c) => c.id === id));

/**
 * The loaded credentials, each once: a credential whose sort value changed after its page loaded (a login, in
 * least-recently-used order) can come again on a later page; its first row stays.
 */
export function allCredentials(list: CredentialList | undefined): Credential[] {
  const seen = new Set<string>();
  return (list?.pages.flatMap((page) => page.items) ?? []).filter((c) => !seen.has(c.id) && seen.add(c.id));
}

/** How many credentials match the list's search and filter, loaded or not. */
export const totalOf = (list: CredentialList | undefined): number => list?.pages[0]?.total ?? 0;

const addToTotal = (list: CredentialList, change: number): CredentialList => ({
  ...list,
  pages: list.pages.map((page) => ({ ...page, total: Math.max(0, page.total + change) })),
});

/** The later of two last-used times; a login already shown never gives way to an older report of it. */
export const laterLastUsed = (a: Date | null, b: Date | null): Date | null => (!a || (b && b > a) ? b : a);

/**
 * `incoming` as the server reports it, but never with an older last-used time than `known`: the server writes logins'
 * times a little after announcing them, so a read in between still carries the previous one.
 */
export const keepLastUsed = (incoming: Credential, known: Date | null | undefined): Credential => {
  const lastUsedAt = laterLastUsed(incoming.lastUsedAt, known ?? null);
  return lastUsedAt === incoming.lastUsedAt ? incoming : { ...incoming, lastUsedAt };
};

/** The latest last-used time each credential has in any of the cached lists. */
export function knownLastUsed(lists: CredentialList[]): Map<string, Date> {
  const known = new Map<string, Date>();
  for (const c of lists.flatMap(allCredentials)) {
    const later = laterLastUsed(known.get(c.id) ?? null, c.lastUsedAt);
    if (later) known.set(c.id, later);
  }
  return known;
}

export const removeCredential = (list: CredentialList, id: string) =>
  hasCredential(list, id)
    ? addToTotal(
        mapItems(list, (items) => items.filter((c) => c.id !== id)),
        -1,
      )
    : list;

/**
 * A credential as the server now reports it: replaced where the list shows it (in place, even if it no longer
 * matches; a refetch drops it). When `added` (just created) and it matches the list's view, it goes where the
 * server's order puts it among the loaded rows; one that sorts after them all waits for its page.
 */
export function upsertCredential(
  list: CredentialList,
  credential: Credential,
  view: CredentialView,
  added: boolean,
  now = new Date(),
) {
  if (hasCredential(list, credential.id)) {
    return mapCredential(list, credential.id, (c) => keepLastUsed(credential, c.lastUsedAt));
  }
  if (!added || !matchesView(credential, view, now)) return list;
  const compare = compareInView(view);
  const last = list.pages.length - 1;
  const place = list.pages.findIndex(
    (page, i) => page.items.some((c) => compare(credential, c) < 0) || (i === last && page.nextCursor === null),
  );
  if (place < 0) return list;
  const pages = list.pages.map((page, i) => {
    if (i !== place) return page;
    const at = page.items.findIndex((c) => compare(credential, c) < 0);
    const items = [...page.items];
    items.splice(at < 0 ? items.length : at, 0, credential);
    return { ...page, items };
  });
  return addToTotal({ ...list, pages }, 1);
}

/** What a live event changes in a cached list on its own, without asking the server. */
export function applyLiveEvent(list: CredentialList, event: LiveEvent): CredentialList {
  const id = event.credentialId;
  if (!id) return list;
  switch (event.type) {
    case "auth.succeeded":
      return mapCredential(list, id, (c) => ({ ...c, lastUsedAt: laterLastUsed(c.lastUsedAt, event.createdAt) }));
    case "credential.activated":
    case "credential.deactivated":
      return mapCredential(list, id, (c) => ({ ...c, active: event.type === "credential.activated" }));
    case "credential.deleted":
      return removeCredential(list, id);
    default:
      return list;
  }
}

/**
 * Whether an event names a change the list can only show after reading the credential (its new description or
 * password date, or a credential created elsewhere).
 */
export function needsRead(lists: CredentialList[], event: LiveEvent): boolean {
  const id = event.credentialId;
  if (!id) return false;
  if (event.type === "credential.created") return lists.some((list) => !hasCredential(list, id));
  if (event.type === "credential.updated" || event.type === "credential.password_regenerated") {
    return lists.some((list) => hasCredential(list, id));
  }
  return false;
}
