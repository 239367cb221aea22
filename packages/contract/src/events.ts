import type { SendingLimit } from "./credentials";

export const AUTH_REJECTION_REASONS = [
  "bad_password",
  /** Not in RelayPost's password format (a typo, a truncation): attributed by the username only. */
  "malformed_password",
  /** Well-formed, but no credential has its lookup id: attributed by the username only. */
  "unknown_password",
  "inactive",
  "username_mismatch",
  "throttled",
  "tls_required",
  "ip_not_allowed",
  "expired",
] as const;
export type AuthRejectionReason = (typeof AUTH_REJECTION_REASONS)[number];

export const CREDENTIAL_EVENT_TYPES = [
  "credential.created",
  "credential.updated",
  "credential.password_regenerated",
  "credential.activated",
  "credential.deactivated",
  "credential.deleted",
  "credential.expired",
  "credential.previous_password_ended",
] as const;
export type CredentialEventType = (typeof CREDENTIAL_EVENT_TYPES)[number];

/** What happened to a message after it was accepted: its way through the outbox to the upstream. */
export const MESSAGE_EVENT_TYPES = [
  "message.accepted",
  "message.relayed",
  "message.deferred",
  "message.failed",
] as const;
export type MessageEventType = (typeof MESSAGE_EVENT_TYPES)[number];

/** Why a logged-in session's message was refused before it was accepted. */
export const MESSAGE_REJECTION_REASONS = ["sender_not_allowed", "rate_limited"] as const;
export type MessageRejectionReason = (typeof MESSAGE_REJECTION_REASONS)[number];

export const EVENT_TYPES = [
  "auth.succeeded",
  "auth.rejected",
  ...MESSAGE_EVENT_TYPES,
  "message.rejected",
  ...CREDENTIAL_EVENT_TYPES,
  "webhook.disabled",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** How the client logged in over SMTP. */
export type LoginData = {
  method: string;
  tls: boolean;
  /** Logged in with the password from before the last regenerate, during its overlap: the app still needs the new one. */
  previousPassword?: true;
};

/**
 * A refused login. Repeated refusals within a window are written as one event carrying how many there were
 * (`count`) and the window's bounds as ISO timestamps.
 */
export type RejectionData = LoginData & {
  reason: AuthRejectionReason;
  count?: number;
  windowStart?: string;
  windowEnd?: string;
};

/** A message's state in the outbox; `stored` means kept here only, because no upstream is configured. */
export const MESSAGE_STATUSES = ["queued", "relayed", "deferred", "failed", "stored"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** What the SMTP reply, the start-up log, the README and the dashboard say when no upstream is configured. */
export const NOT_RELAYED_NOTICE = "stored, not relayed: no upstream configured";

export type MessageAcceptedData = {
  messageId: string;
  size: number;
  recipients: number;
  /** `queued` for delivery to the upstream, or `stored` when there is none. */
  status: "queued" | "stored";
};

/** One delivery attempt's outcome: the attempt's number and the upstream's last reply (absent for a lost connection). */
export type MessageAttemptData = {
  messageId: string;
  attempts: number;
  reply: string | null;
};

/** Delivered to the upstream; `refused` counts recipients the upstream refused for good. */
export type MessageRelayedData = MessageAttemptData & { accepted: number; refused: number };

/** The upstream answered 4xx or was unreachable; the next attempt is due at `retryAt` (ISO time). */
export type MessageDeferredData = MessageAttemptData & { retryAt: string };

/** Given up: a 5xx from the upstream, or still undelivered at the maximum age (`expired`). */
export type MessageFailedData = MessageAttemptData & { expired: boolean };

/**
 * A message refused before acceptance. `sender` is the address that broke the rule, `where` says whether it was the
 * envelope sender (MAIL FROM) or the header `From:`.
 */
export type MessageRejectedData =
  | { reason: "sender_not_allowed"; where: "envelope" | "header"; sender: string }
  /** `limit` names the sending limit that was reached and `max` its value. */
  | { reason: "rate_limited"; limit: SendingLimit; max: number };

/** Who changed the credential, whether it is active afterwards, and which settings an update changed. */
export type CredentialChangeData = {
  actor: string;
  active: boolean;
  changed?: string[];
};

/** A webhook endpoint RelayPost turned off because its deliveries kept failing. */
export type WebhookDisabledData = {
  endpointId: string;
  url: string;
  /** Failed attempts in a row when it was turned off. */
  failures: number;
  /** The endpoint's last answer: an HTTP status and the start of the body, or why it could not be reached. */
  lastResponse: string | null;
};

/** The `data` each event type carries. */
export interface EventDataByType {
  "auth.succeeded": LoginData;
  "auth.rejected": RejectionData;
  "message.accepted": MessageAcceptedData;
  "message.relayed": MessageRelayedData;
  "message.deferred": MessageDeferredData;
  "message.failed": MessageFailedData;
  "message.rejected": MessageRejectedData;
  "credential.created": CredentialChangeData;
  "credential.updated": CredentialChangeData;
  "credential.password_regenerated": CredentialChangeData;
  "credential.activated": CredentialChangeData;
  "credential.deactivated": CredentialChangeData;
  "credential.deleted": CredentialChangeData;
  "credential.expired": CredentialChangeData;
  "credential.previous_password_ended": CredentialChangeData;
  "webhook.disabled": WebhookDisabledData;
}

/** The type and data of an event, as a union discriminated on `type`. */
export type EventPayload<T extends EventType = EventType> = {
  [K in T]: { type: K; data: EventDataByType[K] };
}[T];
