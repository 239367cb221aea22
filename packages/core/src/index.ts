export * from "./actor";
export type { AuditEntry } from "./audit/audit-log";
export * from "./core";
export * from "./errors";
export * from "./events/bus";
export * from "./events/publisher";
export * from "./events/refusal-aggregator";
export * from "./events/retention";
export * from "./events/store";
export * from "./events/stream";
export * from "./events/types";
export * from "./hashing";
export type { AccessClaim } from "./identity/access-claims";
export type { ApiKey, ApiKeyRole, ResolvedApiKey } from "./identity/api-keys";
export type { Member } from "./identity/members";
export type { Organization, OrganizationMembership } from "./identity/organizations";
export type { UserActor } from "./identity/password-change";
export * from "./identity/revocation";
export * from "./identity/roles";
export type { ResolvedSession, SessionClient, SessionSummary } from "./identity/sessions";
export { ACCOUNT_BLOCK_AFTER, type SignInResult } from "./identity/sign-in";
export { USER_PASSWORD_MIN_LENGTH, type User } from "./identity/users";
export * from "./names";
export * from "./runtime";
export * from "./smtp-auth";
export type { SmtpCredential } from "./smtp-credentials/credential";
export { type CredentialWithPassword, DESCRIPTION_MAX_LENGTH, type Scope } from "./smtp-credentials/lifecycle";
export {
  type CredentialCursor,
  type CredentialPage,
  decodeCredentialCursor,
  type ListQuery,
} from "./smtp-credentials/listing";
export * from "./smtp-credentials/password";
export * from "./smtp-credentials/username";
export * from "./smtp-submission";
export * from "./throttle";
export * from "./tokens";
