import { QueryClient } from "@tanstack/solid-query";
import type { LiveStatus } from "./live";
import type { MessageFilters } from "./message-cache";

/**
 * Failures are shown at once with a "Try again" button rather than retried behind a spinner, and nothing refetches
 * on focus: live events keep the cached lists current.
 */
export const createQueryClient = () =>
  new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } });

/** Every cached query is keyed by the organization it belongs to, so switching never shows another's rows. */
export const queryKeys = {
  credentials: (organizationId: string) => ["credentials", organizationId] as const,
  credentialList: (organizationId: string, search: string) => ["credentials", organizationId, search] as const,
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
  invitationPreview: (token: string) => ["invitation-preview", token] as const,
};

/** The live connection came back after a drop: what failed while it was down is worth asking again. */
export const reconnected = (previous: LiveStatus | undefined, next: LiveStatus) =>
  next === "live" && (previous === "reconnecting" || previous === "offline");

export function retryFailedQueries(client: QueryClient) {
  return client.refetchQueries({ type: "active", predicate: (query) => query.state.status === "error" });
}
