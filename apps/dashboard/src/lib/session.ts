import { createMemo, createRoot, createSignal, onCleanup } from "solid-js";
import { type Api, createApi, type Me, type Role } from "./api";
import { createLive, type Live } from "./live";

const STORAGE_KEY = "relaypost.organization";

/** `undefined` while the first `auth.me` is in flight, so nothing is drawn for the wrong audience. */
const [me, setMe] = createSignal<Me | null | undefined>(undefined);
const [chosenOrganization, setChosenOrganization] = createSignal<string | null>(localStorage.getItem(STORAGE_KEY));

/** Calls that need no organization (auth, invitations) go through this client. */
export const baseApi = createApi(null);

export async function refreshMe(): Promise<Me | null> {
  const result = await baseApi.client.auth.me.query();
  setMe(result);
  return result;
}

export function chooseOrganization(id: string) {
  localStorage.setItem(STORAGE_KEY, id);
  setChosenOrganization(id);
}

export function signedOut() {
  setMe(null);
}

const session = createRoot(() => {
  const organization = createMemo(() => {
    const current = me();
    if (!current) return undefined;
    const chosen = chosenOrganization();
    return current.organizations.find((o) => o.id === chosen) ?? current.organizations[0];
  });
  const organizationId = createMemo(() => organization()?.id);
  /** Rebuilt when the organization changes; the old socket and its subscriptions close with it. */
  const scoped = createMemo(() => {
    const id = organizationId();
    if (!id) return undefined;
    const api = createApi(id);
    const live = createLive(api);
    onCleanup(() => {
      live.dispose();
      api.close();
    });
    return { api, live };
  });
  return { organization, scoped };
});

export { me };
export const organization = session.organization;
export const role = (): Role => session.organization()?.role ?? "viewer";
export const canWrite = () => role() !== "viewer";
export const isOwner = () => role() === "owner";

export function scoped(): { api: Api; live: Live } {
  const value = session.scoped();
  if (!value) throw new Error("No organization selected");
  return value;
}
export const api = () => scoped().api.client;
export const live = () => scoped().live;
