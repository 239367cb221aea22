// The public API of @relaypost/core, by name: what the transports, tests and benches use. Everything else is internal.

export {
  DatabaseConnectError,
  type DatabaseHandle,
  type DatabaseLocation,
  DataDirInUseError,
  type OpenedDatabase,
  openDatabase,
} from "@relaypost/db";
export { type Actor, systemActor } from "./actor";
export type { AuditActor, AuditEntry, AuditPage, AuditQuery } from "./audit/audit-log";
export { createCore } from "./core";
export { DomainError, type DomainErrorCode } from "./errors";
export type { EventBus } from "./events/bus";
export type { EventPublisher } from "./events/publisher";
export {
  REFUSAL_EVENTS_PER_ADDRESS,
  REFUSAL_WINDOW_MS,
  type RefusalAggregatorOptions,
} from "./events/refusal-aggregator";
export type { RelayEvent } from "./events/types";
export { ARGON2ID_PARAMS, createAccountHasher, createPasswordHasher, HasherBusyError } from "./hashing";
export type { AccessClaim } from "./identity/access-claims";
export type { ApiKey, ApiKeyRole, ResolvedApiKey } from "./identity/api-keys";
export { InvitationPreviewThrottledError } from "./identity/invitation-preview";
export { type InvitationPreview, InvitationUnusableError } from "./identity/invitations";
export type { Member } from "./identity/members";
export type { Organization, OrganizationMembership } from "./identity/organizations";
export type { UserActor } from "./identity/password-change";
export { RegistrationClosedError } from "./identity/registration";
export type { AccessRevocation, RevocationFeed } from "./identity/revocation";
export { operatorScope, ROLES, type Role, roleAllows } from "./identity/roles";
export type { ResolvedSession, SessionClient, SessionSummary } from "./identity/sessions";
export { SESSION_LIFETIME_MS } from "./identity/sessions";
export { ACCOUNT_BLOCK_AFTER, type SignInResult } from "./identity/sign-in";
export { USER_PASSWORD_MIN_LENGTH, type User } from "./identity/users";
export { decodeKeysetCursor } from "./keyset-cursor";
export { type Log, silentLog } from "./log";
export { organizationNameSchema, userNameSchema } from "./names";
export { DEFAULT_LEASE_MS, DEFAULT_MAX_AGE_MS, type DeliveryOptions } from "./relay/delivery-worker";
export type { CredentialMessageCounts, MessagePage, MessageSummary } from "./relay/message-log";
export {
  MISSING_KEY_MESSAGE,
  type OrganizationUpstreamView,
  type UpstreamInput,
  type UpstreamSettingsView,
  type UpstreamTestResult,
} from "./relay/organization-upstream";
export type { OutboxStatus } from "./relay/outbox";
export { durationSchema, relayUrlSchema, type Upstream, type UpstreamTls } from "./relay/upstream";
export { checkUpstream, type UpstreamCheck } from "./relay/upstream-client";
export { createRuntime, type Runtime, type RuntimeConfig } from "./runtime";
export { Keyring, previousSecretKeysSchema, secretKeySchema } from "./secret-box";
export type { Core, EventsSinceQuery, NewOrganization, RecentEventsQuery } from "./services";
export type { SmtpGrant } from "./smtp-auth/grant";
export type { LoginOutcome, SmtpLogin } from "./smtp-auth/login";
export type { LoginBlock } from "./smtp-auth/login-blocks";
export type { LoginThrottleOptions } from "./smtp-auth/login-throttle";
export type { LastLogin, SmtpCredential, SmtpCredentialDetail } from "./smtp-credentials/credential";
export type { CredentialWithPassword, Scope } from "./smtp-credentials/lifecycle";
export {
  type CredentialCursor,
  type CredentialPage,
  decodeCredentialCursor,
  type ListQuery,
} from "./smtp-credentials/listing";
export type { LoginActivity, LoginDay } from "./smtp-credentials/login-activity";
export { formatSmtpPassword, generateLookupId, parseSmtpPassword } from "./smtp-credentials/password";
export { DEFAULT_BODY_RETENTION_MS, DEFAULT_MESSAGE_RETENTION_MS } from "./smtp-submission/message-intake";
export type { SmtpSubmission } from "./smtp-submission/submission";
export { createTelemetry, type Telemetry } from "./telemetry";
export { DEFAULT_THROTTLE_POLICY, type ThrottlePolicy } from "./throttle/throttle";
export { hashToken } from "./tokens";
export {
  WEBHOOK_DELIVERY_STATUSES,
  type WebhookDelivery,
  type WebhookDeliveryPage,
  type WebhookDeliveryStatus,
} from "./webhooks/delivery-log";
export type { WebhookDeliveryOptions } from "./webhooks/delivery-worker";
export type { WebhookNetworkPolicy } from "./webhooks/endpoint-address";
export {
  DEFAULT_ROTATION_OVERLAP_HOURS,
  MAX_ENDPOINTS_PER_ORGANIZATION,
  MISSING_KEY_FOR_WEBHOOKS,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from "./webhooks/endpoints";
