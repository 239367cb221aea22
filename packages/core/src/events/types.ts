export const AUTH_REJECTION_REASONS = [
  "bad_password",
  "inactive",
  "username_mismatch",
  "throttled",
  "tls_required",
] as const;
export type AuthRejectionReason = (typeof AUTH_REJECTION_REASONS)[number];

export const EVENT_TYPES = [
  "auth.succeeded",
  "auth.rejected",
  "message.accepted",
  "credential.created",
  "credential.updated",
  "credential.password_regenerated",
  "credential.activated",
  "credential.deactivated",
  "credential.deleted",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface NewEvent {
  organizationId: string;
  type: EventType;
  credentialId: string | null;
  username: string | null;
  remoteAddress: string | null;
  data?: Record<string, unknown>;
  /** When it happened; now when omitted. */
  createdAt?: Date;
}

/** An event as subscribers see it; `id` increases monotonically and is the resume point. */
export interface RelayEvent extends Required<NewEvent> {
  id: number;
}
