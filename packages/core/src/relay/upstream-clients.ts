import type { UpstreamAnswer } from "./attempt-outcome";
import type { ConnectionLimits, Upstream } from "./upstream";
import { createUpstreamClient, type OutgoingMessage } from "./upstream-client";

type UpstreamClient = ReturnType<typeof createUpstreamClient>;

/** Loads an organization's upstream as it stands now, with its row's version; undefined when it has none. */
export type UpstreamLoader = (organizationId: string) => Promise<{ version: string; upstream: Upstream } | undefined>;

interface Entry {
  version: string;
  client: Promise<UpstreamClient | undefined>;
  inFlight: number;
  /** Replaced by a newer version: closed once its last send is done. */
  stale: boolean;
}

/** Where a claimed message goes: its organization's upstream at the version the claim saw, or the default (null). */
export interface Destination {
  organizationId: string;
  upstreamVersion: string | null;
}

const NO_UPSTREAM: UpstreamAnswer = {
  kind: "refused",
  response: "no upstream configured (the organization's was removed and the server has no RELAY_URL)",
  responseCode: null,
  refused: [],
};

const unavailable = (error: unknown): UpstreamAnswer => ({
  kind: "refused",
  response: `the organization's upstream cannot be used: ${error instanceof Error ? error.message : "unknown error"}`,
  responseCode: null,
  refused: [],
});

/**
 * One pooled client per upstream: the server's default, and one per organization with its own, keyed by the
 * organization and its row's version. A message whose claim saw a newer version opens a client for it and retires
 * the old one, which is closed once its sends are done, so a changed host or password takes effect at the next
 * claim without cutting off a delivery under way. Each client has its own `limits`.
 */
export function createUpstreamClients(options: {
  serverDefault: Upstream | undefined;
  load: UpstreamLoader;
  limits: ConnectionLimits;
}) {
  const { limits } = options;
  const fallback = options.serverDefault ? createUpstreamClient(options.serverDefault, limits) : undefined;
  const entries = new Map<string, Entry>();

  /** Closes an organization's client (never the shared default); a failed load has nothing to close. */
  function close(entry: Entry): void {
    entry.client.then(
      (client) => {
        if (client !== fallback) client?.close();
      },
      () => {},
    );
  }

  function retire(entry: Entry): void {
    entry.stale = true;
    if (entry.inFlight === 0) close(entry);
  }

  function entryFor(destination: Destination & { upstreamVersion: string }): Entry {
    const current = entries.get(destination.organizationId);
    if (current && current.version === destination.upstreamVersion) return current;
    if (current) retire(current);
    const entry: Entry = {
      version: destination.upstreamVersion,
      inFlight: 0,
      stale: false,
      // Loaded now rather than trusted from the claim: a version newer than the claim's is fine, the mail goes to
      // the upstream as it stands. No row any more means the default.
      client: options.load(destination.organizationId).then((loaded) => {
        if (!loaded) return fallback;
        entry.version = loaded.version;
        return createUpstreamClient(loaded.upstream, limits);
      }),
    };
    // A failed load is not kept: the next claim tries again.
    entry.client.catch(() => {
      if (entries.get(destination.organizationId) === entry) entries.delete(destination.organizationId);
    });
    entries.set(destination.organizationId, entry);
    return entry;
  }

  return {
    async send(destination: Destination, message: OutgoingMessage): Promise<UpstreamAnswer> {
      if (destination.upstreamVersion === null) {
        // The organization's upstream was removed: its client has no more use.
        const removed = entries.get(destination.organizationId);
        if (removed) {
          entries.delete(destination.organizationId);
          retire(removed);
        }
        return fallback ? fallback.send(message) : NO_UPSTREAM;
      }
      const entry = entryFor({ ...destination, upstreamVersion: destination.upstreamVersion });
      entry.inFlight += 1;
      try {
        const client = await entry.client;
        return client ? await client.send(message) : NO_UPSTREAM;
      } catch (error) {
        return unavailable(error);
      } finally {
        entry.inFlight -= 1;
        if (entry.stale && entry.inFlight === 0) close(entry);
      }
    },
    /** Closes every client; call when no send is under way. */
    close(): void {
      fallback?.close();
      for (const entry of entries.values()) close(entry);
      entries.clear();
    },
  };
}
