import { type Accessor, createContext, createMemo, createSignal, onCleanup, useContext } from "solid-js";
import type { Api, Me, Role } from "./api";
import { createLive, type Live } from "./live";

const STORAGE_KEY = "relaypost.organization";

export interface SessionOptions {
  /** Builds the client for one organization (null: calls that need none, such as auth and invitations). */
  createApi: (organizationId: string | null) => Api;
  /** Where the chosen organization survives a reload. */
  storage: Pick<Storage, "getItem" | "setItem">;
  /** Builds the live event stream of an organization's client; tests pass their own. */
  createLive?: (api: Api) => Live;
}

/**
 * Who is signed in, which organization they work in, and that organization's client and live events. Create it
 * inside a reactive owner (the app's render root): the organization's socket closes with it.
 */
export function createSession(options: SessionOptions) {
  /** `undefined` while the first `auth.me` is in flight, so nothing is drawn for the wrong audience. */
  const [me, setMe] = createSignal<Me | null | undefined>(undefined);
  const [chosen, setChosen] = createSignal<string | null>(options.storage.getItem(STORAGE_KEY));
  const baseApi = options.createApi(null);
  const organization = createMemo(() => {
    const current = me();
    if (!current) return undefined;
    return current.organizations.find((o) => o.id === chosen()) ?? current.organizations[0];
  });
  const organizationId = createMemo(() => organization()?.id);
  /** Rebuilt when the organization changes; the old socket and its subscriptions close with it. */
  const scoped = createMemo(() => {
    const id = organizationId();
    if (!id) return undefined;
    const api = options.createApi(id);
    const live = (options.createLive ?? createLive)(api);
    onCleanup(() => {
      live.dispose();
      api.close();
    });
    return { api, live };
  });
  const current = () => {
    const value = scoped();
    if (!value) throw new Error("No organization selected");
    return value;
  };
  const role = (): Role => organization()?.role ?? "viewer";

  return {
    me: me as Accessor<Me | null | undefined>,
    baseApi,
    organization,
    organizationId,
    role,
    canWrite: () => role() !== "viewer",
    isOwner: () => role() === "owner",
    /** The selected organization's client; only inside screens drawn once an organization is chosen. */
    api: () => current().api.client,
    live: () => current().live,
    async refreshMe(): Promise<Me | null> {
      const result = await baseApi.client.auth.me.query();
      setMe(result);
      return result;
    },
    chooseOrganization(id: string) {
      options.storage.setItem(STORAGE_KEY, id);
      setChosen(id);
    },
    signedOut: () => setMe(null),
  };
}

export type Session = ReturnType<typeof createSession>;

export const SessionContext = createContext<Session>();

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionContext");
  return session;
}
