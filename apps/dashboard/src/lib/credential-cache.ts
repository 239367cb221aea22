import type { InfiniteData } from "@tanstack/solid-query";
import type { Credential, Outputs } from "./api";
import type { LiveEvent } from "./live";

export type CredentialPage = Outputs["smtpCredentials"]["list"];
export type CredentialList = InfiniteData<CredentialPage>;

export const matchesSearch = (credential: Credential, term: string) => {
  const t = term.trim().toLowerCase();
  return t === "" || credential.username.toLowerCase().includes(t) || credential.description.toLowerCase().includes(t);
};

const mapItems = (list: CredentialList, change: (items: Credential[]) => Credential[]): CredentialList => ({
  ...list,
  pages: list.pages.map((page) => ({ ...page, items: change(page.items) })),
});

const mapCredential = (list: CredentialList, id: string, change: (credential: Credential) => Credential) =>
  mapItems(list, (items) => items.map((c) => (c.id === id ? change(c) : c)));

export const hasCredential = (list: CredentialList, id: string) =>
  list.pages.some((page) => page.items.some((c) => c.id === id));

export const allCredentials = (list: CredentialList | undefined): Credential[] =>
  list?.pages.flatMap((page) => page.items) ?? [];

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
  mapItems(list, (items) => items.filter((c) => c.id !== id));

/**
 * A credential as the server now reports it: replaced where the list shows it, else put first when `prepend` and
 * it matches the list's search (a credential just created belongs at the top; one merely changed does not appear).
 */
export function upsertCredential(list: CredentialList, credential: Credential, search: string, prepend: boolean) {
  if (hasCredential(list, credential.id)) {
    return mapCredential(list, credential.id, (c) => keepLastUsed(credential, c.lastUsedAt));
  }
  if (!prepend || !matchesSearch(credential, search)) return list;
  const [first, ...rest] = list.pages;
  if (!first) return list;
  return { ...list, pages: [{ ...first, items: [credential, ...first.items] }, ...rest] };
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
