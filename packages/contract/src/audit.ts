import { CREDENTIAL_EVENT_TYPES } from "./events";

/** Every action the audit log holds, each named by the dashboard. */
export const AUDIT_ACTIONS = [
  // A credential's lifecycle is audited under the names of its events.
  ...CREDENTIAL_EVENT_TYPES,
  "api_key.created",
  "api_key.revoked",
  // No longer recorded (members join through invitations), but still in the logs of older organizations.
  "member.added",
  "member.joined",
  "member.role_changed",
  "member.removed",
  "invitation.created",
  "invitation.revoked",
  "organization.created",
  "organization.renamed",
  "user.password_changed",
  "messages.purged",
  "upstream.updated",
  "upstream.cleared",
  "smtp_login_block.lifted",
  "webhook.created",
  "webhook.updated",
  "webhook.deleted",
  "webhook.secret_rotated",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
