import { onlineManager, QueryClient } from "@tanstack/solid-query";
import { TRPCClientError } from "@trpc/client";
import type { CredentialView } from "./credential-view";
import type { MessageFilters } from "./message-cache";

/**
 * Failures are shown at once with a retry button rather than retried behind a spinner, and nothing refetches on
 * focus: live events keep the cached lists current. Queries are sent even while the browser says it is offline
 * (`networkMode: "always"`), so an unreachable server is reported instead of an endless spinner; once the network
 * or the live connection is back (`serverReachable`), every query on screen is asked again (`refetchOnReconnect`)
 * and paused mutations resume.
 */
export const createQueryClient = () =>
  new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, refetchOnReconnect: true, networkMode: "always" },
    },
  });

/**
 * Tells the query layer whether RelayPost can be reached, besides the browser's own online and offline events: the
 * live connection dropping or coming back. Only a change counts, so a first connection refetches nothing.
 */
export const serverReachable = (reachable: boolean) => onlineManager.setOnline(reachable);

/** The request never got an answer (network down, server unreachable), as opposed to an answer that refused it. */
export const isUnreachable = (error: unknown) =>
  error instanceof TRPCClientError && error.data === undefined && error.cause instanceof TypeError;

/** Every cached query is keyed by the organization it belongs to, so switching never shows another's rows. */
export const queryKeys = {
  credentials: (organizationId: string) => ["credentials", organizationId] as const,
  credentialList: (organizationId: string, view: CredentialView) => ["credentials", organizationId, view] as const,
  /** One credential with its usage; not under `credentials`, whose entries are all lists. */
  credential: (organizationId: string, id: string) => ["credential", organizationId, id] as const,
  connectionSettings: (organizationId: string) => ["connection-settings", organizationId] as const,
  apiKeys: (organizationId: string) => ["api-keys", organizationId] as const,
  members: (organizationId: string) => ["members", organizationId] as const,
  invitations: (organizationId: string) => ["invitations", organizationId] as const,
  auditLog: (organizationId: string) => ["audit-log", organizationId] as const,
  messages: (organizationId: string) => ["messages", organizationId] as const,
  /** A filtered message list; the filters are the last element, as the page keeps them. */
  messageList: (organizationId: string, filters: MessageFilters) => ["messages", organizationId, filters] as const,
  upstream: (organizationId: string) => ["upstream", organizationId] as const,
  webhooks: (organizationId: string) => ["webhooks", organizationId] as const,
  /** One endpoint's delivery log; not under `webhooks`, whose entry is the list of endpoints. */
  webhookDeliveries: (organizationId: string, endpointId: string) =>
    ["webhook-deliveries", organizationId, endpointId] as const,
  loginBlocks: (organizationId: string) => ["login-blocks", organizationId] as const,
  messageCounts: (organizationId: string) => ["message-counts", organizationId] as const,
  credentialNames: (organizationId: string) => ["credential-names", organizationId] as const,
  sessions: () => ["account-sessions"] as const,
};
