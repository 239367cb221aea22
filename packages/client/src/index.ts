import type { AppRouter } from "@relaypost/api";
import { IDEMPOTENCY_KEY_HEADER, MAX_BATCH_CALLS } from "@relaypost/contract";
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  httpLink,
  splitLink,
  type TRPCClient,
  TRPCClientError,
  wsLink,
} from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import superjson from "superjson";
import { BatchLimitedWebSocket } from "./batch-limited-websocket";

export type { AppRouter };
export type RelayPostInputs = inferRouterInputs<AppRouter>;
export type RelayPostOutputs = inferRouterOutputs<AppRouter>;
/** A credential as lists and mutations return it. */
export type SmtpCredential = RelayPostOutputs["smtpCredentials"]["list"]["items"][number];
/** A credential as `get` returns it: with its current usage against its sending limits. */
export type SmtpCredentialDetail = RelayPostOutputs["smtpCredentials"]["get"];
/** A delivered event; subscriptions hand it over wrapped as `{ id, data }`, `id` being the resume point. */
export type RelayEvent = RelayPostOutputs["events"]["subscribe"] extends AsyncIterable<{ data: infer E }> ? E : never;
export { TRPCClientError };

export interface RelayPostClientOptions {
  /** The server's base URL, e.g. `https://relaypost.example.com`; `/trpc` is appended. */
  url: string;
  /** An organization API key (`rpkey_…`), sent as a Bearer token and in the WebSocket's connection params. */
  apiKey: string;
  /** Called when the event WebSocket opens, drops or reconnects. */
  onConnectionStateChange?: (state: "connecting" | "pending" | "idle") => void;
}

export type RelayPostClient = TRPCClient<AppRouter> & {
  /** Closes the event WebSocket; calls over HTTP need no cleanup. */
  close(): void;
};

/**
 * The Idempotency-Key a create was called with: `client.smtpCredentials.create.mutate(input, { context:
 * { idempotencyKey } })`. A retry with the same key and input answers the first create again (docs/api.md).
 */
const idempotencyKeyOf = (context: Record<string, unknown>) =>
  typeof context.idempotencyKey === "string" ? context.idempotencyKey : undefined;

/**
 * A fully typed client: queries and mutations over HTTP (batched), event subscriptions over one WebSocket that
 * reconnects by itself and resumes each subscription from the last event id it received.
 */
export function createRelayPostClient(options: RelayPostClientOptions): RelayPostClient {
  const base = options.url.replace(/\/+$/, "");
  const wsClient = createWSClient({
    url: `${base.replace(/^http/, "ws")}/trpc`,
    // Node 20 has no global WebSocket; `ws` implements the same interface.
    WebSocket: BatchLimitedWebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { apiKey: options.apiKey },
    lazy: { enabled: true, closeMs: 0 },
    retryDelayMs: (attempt) => Math.min(250 * 2 ** attempt, 10_000),
    onOpen: () => options.onConnectionStateChange?.("pending"),
    onClose: () => options.onConnectionStateChange?.("connecting"),
  });
  const authorization = `Bearer ${options.apiKey}`;
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: wsLink({ client: wsClient, transformer: superjson }),
        false: splitLink({
          condition: (op) => idempotencyKeyOf(op.context) !== undefined,
          // Alone in its request: the header names this one create, not a whole batch.
          true: httpLink({
            url: `${base}/trpc`,
            transformer: superjson,
            headers: ({ op }) => ({ authorization, [IDEMPOTENCY_KEY_HEADER]: idempotencyKeyOf(op.context) ?? "" }),
          }),
          false: httpBatchLink({
            url: `${base}/trpc`,
            transformer: superjson,
            // The server refuses a larger batch whole; more calls in one tick go out as several requests.
            maxItems: MAX_BATCH_CALLS,
            headers: { authorization },
          }),
        }),
      }),
    ],
  });
  const close = () => wsClient.close();
  return new Proxy(client, {
    get: (target, property, receiver) => (property === "close" ? close : Reflect.get(target, property, receiver)),
  }) as RelayPostClient;
}
