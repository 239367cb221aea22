import type { EventPayload } from "@relaypost/contract";

/**
 * An event as `events.subscribe` delivers it (see Events and ordering in docs/architecture.md), its `data` typed by
 * its `type`; `receive(envelope.data)` checks the server agrees.
 */
export type LiveEvent = EventPayload & {
  id: number;
  organizationId: string;
  credentialId: string | null;
  username: string | null;
  remoteAddress: string | null;
  createdAt: Date;
};
export type LoginEvent = Extract<LiveEvent, { type: "auth.succeeded" | "auth.rejected" }>;

/** How many logins an event stands for: refusals flooding in from one address arrive counted in one event. */
export const loginCount = (event: LoginEvent): number =>
  event.type === "auth.rejected" && event.data.count !== undefined && event.data.count > 1 ? event.data.count : 1;

export const isLogin = (event: LiveEvent): event is LoginEvent =>
  event.type === "auth.succeeded" || event.type === "auth.rejected";
