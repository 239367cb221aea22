import type { AppRouter } from "@relaypost/api";
import { CSRF_HEADER, MAX_BATCH_CALLS, ORGANIZATION_HEADER } from "@relaypost/contract";
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  type TRPCClient,
  TRPCClientError,
  wsLink,
} from "@trpc/client";
import superjson from "superjson";

export type ApiClient = TRPCClient<AppRouter>;

/** What every query resolves to, read off the typed client (the server package stays a type-only import). */
type QueryOutputs<T> = {
  [K in keyof T]: T[K] extends { query: (...args: never[]) => infer R } ? Awaited<R> : QueryOutputs<T[K]>;
};
export type Outputs = QueryOutputs<ApiClient>;
/** A credential as lists show it; `get` adds its current usage. */
export type Credential = Outputs["smtpCredentials"]["list"]["items"][number];
export type Me = NonNullable<Outputs["auth"]["me"]>;
export type Role = Me["organizations"][number]["role"];

export type ConnectionState = "connecting" | "live" | "reconnecting";

export interface Api {
  client: ApiClient;
  close(): void;
}

const wsUrl = () => `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/trpc`;

/**
 * One client per organization: the organization travels in a header on HTTP and in the connection params of the
 * WebSocket, which are fixed for the socket's life, so switching organization builds a new client.
 */
export function createApi(organizationId: string | null): Api {
  const ws = createWSClient({
    url: wsUrl,
    connectionParams: () => (organizationId ? { organizationId } : {}),
    lazy: { enabled: true, closeMs: 10_000 },
    keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 4_000 },
    retryDelayMs: (attempt) => Math.min(500 * 2 ** attempt, 8_000),
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: wsLink({ client: ws, transformer: superjson }),
        false: httpBatchLink({
          url: "/trpc",
          transformer: superjson,
          // The server refuses a larger batch whole; more calls in one tick go out as several requests.
          maxItems: MAX_BATCH_CALLS,
          // The CSRF header is what lets the session cookie authorize a mutation (see the API's csrf middleware).
          headers: () => ({
            [CSRF_HEADER]: "1",
            ...(organizationId ? { [ORGANIZATION_HEADER]: organizationId } : {}),
          }),
        }),
      }),
    ],
  });
  return {
    client,
    close: () => void ws.close(),
  };
}

export type ApiError = TRPCClientError<AppRouter>;

export const isApiError = (error: unknown): error is ApiError => error instanceof TRPCClientError;

export function errorMessage(error: unknown): string {
  if (isApiError(error)) return error.message;
  return "Something went wrong. Check your connection and try again.";
}

/** Field-level messages the server attached to a refusal (zod issues or a domain error naming its field). */
export function fieldErrors(error: unknown): Record<string, string | undefined> {
  if (!isApiError(error)) return {};
  const fields: Record<string, string[] | undefined> = error.data?.fieldErrors ?? {};
  return Object.fromEntries(Object.entries(fields).map(([field, messages]) => [field, messages?.[0]]));
}
