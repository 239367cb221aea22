export const AUTH_REJECTION_REASONS = [
  "bad_password",
  "inactive",
  "username_mismatch",
  "throttled",
  "tls_required",
] as const;
export type AuthRejectionReason = (typeof AUTH_REJECTION_REASONS)[number];

export const CREDENTIAL_EVENT_TYPES = [
  "credential.created",
  "credential.updated",
  "credential.password_regenerated",
  "credential.activated",
  "credential.deactivated",
  "credential.deleted",
] as const;
export type CredentialEventType = (typeof CREDENTIAL_EVENT_TYPES)[number];

export const EVENT_TYPES = ["auth.succeeded", "auth.rejected", "message.accepted", ...CREDENTIAL_EVENT_TYPES] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** How the client logged in over SMTP. */
export type LoginData = {
  method: string;
  tls: boolean;
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

export type MessageAcceptedData = {
  messageId: string;
  size: number;
  recipients: number;
};

/** Who changed the credential, and whether it is active afterwards. */
export type CredentialChangeData = {
  actor: string;
  active: boolean;
};

/** The `data` each event type carries. */
export interface EventDataByType {
  "auth.succeeded": LoginData;
  "auth.rejected": RejectionData;
  "message.accepted": MessageAcceptedData;
  "credential.created": CredentialChangeData;
  "credential.updated": CredentialChangeData;
  "credential.password_regenerated": CredentialChangeData;
  "credential.activated": CredentialChangeData;
  "credential.deactivated": CredentialChangeData;
  "credential.deleted": CredentialChangeData;
}

/** The type and data of an event, as a union discriminated on `type`. */
export type EventPayload<T extends EventType = EventType> = {
  [K in T]: { type: K; data: EventDataByType[K] };
}[T];
