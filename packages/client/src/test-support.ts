import type { TestServer } from "@relaypost/server/testing";
import { createRelayPostClient, type RelayEvent, type RelayPostClient } from "./index";

/** An organization with an admin API key on a running test server, and a typed client for it. */
export async function organizationWithClient(server: TestServer, name: string) {
  const { organization } = await server.core.organizations.create({
    name,
    owner: {
      email: `${name.toLowerCase().replace(/\W+/g, "-")}-${crypto.randomUUID()}@example.com`,
      password: "password-123456",
    },
  });
  const actor = { type: "system" as const, id: null, label: "test", remoteAddress: null };
  const scope = { organizationId: organization.id, actor, role: "owner" as const };
  const { apiKey, token } = await server.core.apiKeys.create(scope, { name: "test", role: "admin" });
  const client = createRelayPostClient({ url: server.url, apiKey: token });
  return { organization, apiKey, token, client };
}

/**
 * Collects a subscription's events; `next(n)` resolves once n more have arrived, so tests wait on deliveries, not
 * on time.
 */
export function collectEvents(
  client: RelayPostClient,
  input: Parameters<RelayPostClient["events"]["subscribe"]["subscribe"]>[0] = {},
) {
  const events: RelayEvent[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let error: unknown;
  let ended = false;
  let endWaiters: Array<() => void> = [];
  const settle = () => {
    for (const w of [...waiters]) {
      if (events.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const subscription = client.events.subscribe.subscribe(input, {
    onData: (tracked) => {
      events.push(tracked.data);
      settle();
    },
    onError: (e) => {
      error = e;
      ended = true;
      for (const resolve of endWaiters) resolve();
      endWaiters = [];
    },
    onComplete: () => {
      ended = true;
      for (const resolve of endWaiters) resolve();
      endWaiters = [];
    },
  });
  return {
    events,
    get error() {
      return error;
    },
    /** Resolves when `count` events in total have arrived. */
    untilCount(count: number): Promise<void> {
      if (events.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    /** Resolves when the subscription ends (error or completion). */
    untilEnded(): Promise<void> {
      if (ended) return Promise.resolve();
      return new Promise((resolve) => endWaiters.push(resolve));
    },
    unsubscribe: () => subscription.unsubscribe(),
  };
}
