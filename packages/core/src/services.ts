import type { EventType, Registration } from "@relaypost/contract";
import type { Actor } from "./actor";
import type { AuditActor, AuditPage, AuditQuery } from "./audit/audit-log";
import type { StreamOptions } from "./events/stream";
import type { RelayEvent } from "./events/types";
import type { AccessClaim } from "./identity/access-claims";
import type { ApiKey, ApiKeyRole, ResolvedApiKey } from "./identity/api-keys";
import type { Invitation, InvitationPreview } from "./identity/invitations";
import type { Member } from "./identity/members";
import type { Organization, OrganizationMembership } from "./identity/organizations";
import type { UserActor } from "./identity/password-change";
import type { AccessRevocation } from "./identity/revocation";
import type { Role, RoleScope } from "./identity/roles";
import type { ResolvedSession, SessionClient, SessionSummary } from "./identity/sessions";
import type { SignInResult } from "./identity/sign-in";
import type { SignUpInput } from "./identity/sign-up";
import type { User } from "./identity/users";
import type { CredentialMessageCounts, MessagePage, MessageQuery, MessageSummary } from "./relay/message-log";
import type {
  OrganizationUpstreamView,
  UpstreamInput,
  UpstreamSettingsView,
  UpstreamTestResult,
} from "./relay/organization-upstream";
import type { OutboxStatus } from "./relay/outbox";
import type { LoginBlock } from "./smtp-auth/login-blocks";
import type { SmtpCredential, SmtpCredentialDetail } from "./smtp-credentials/credential";
import type { CredentialUpdate, CredentialWithPassword, NewCredentialInput, Scope } from "./smtp-credentials/lifecycle";
import type { CredentialPage, ListQuery } from "./smtp-credentials/listing";
import type { LoginActivity } from "./smtp-credentials/login-activity";
import type { WebhookDeliveryPage, WebhookDeliveryQuery } from "./webhooks/delivery-log";
import type {
  NewWebhookEndpoint,
  WebhookEndpoint,
  WebhookEndpointChanges,
  WebhookEndpointWithSecret,
} from "./webhooks/endpoints";

/**
 * The domain as every transport sees it, spelled out in plain types. It names no database or driver type, so the
 * API's declarations (and the typed client built from them) carry none either; `createCore` must satisfy it.
 */
export interface Core {
  /** Forgets login attempts (SMTP and sign-in) older than the throttles' window. */
  pruneLoginAttempts(): Promise<number>;
  /** Forgets create answers kept for Idempotency-Key retries once their window has passed. */
  pruneIdempotencyKeys(): Promise<void>;
  /** Resolves when the database answers a query; rejects otherwise. */
  ping(): Promise<void>;
  smtpCredentials: {
    list(organizationId: string, query: ListQuery): Promise<CredentialPage>;
    get(organizationId: string, id: string): Promise<SmtpCredentialDetail>;
    /** Logins accepted and refused per UTC day over the last LOGIN_ACTIVITY_DAYS days, from the events. */
    loginActivity(organizationId: string, id: string): Promise<LoginActivity>;
    /** With an Idempotency-Key, a retry answers the first create again (idempotency/idempotency.ts). */
    create(scope: Scope, input: NewCredentialInput, idempotencyKey?: string): Promise<CredentialWithPassword>;
    update(scope: Scope, id: string, input: CredentialUpdate): Promise<SmtpCredential>;
    regeneratePassword(
      scope: Scope,
      id: string,
      options?: { keepPreviousForSeconds?: number | undefined },
    ): Promise<CredentialWithPassword>;
    /** Ends a rotation's overlap at once: the previous password stops working. */
    endPreviousPassword(scope: Scope, id: string): Promise<SmtpCredential>;
    setActive(scope: Scope, id: string, active: boolean): Promise<SmtpCredential>;
    delete(scope: Scope, id: string): Promise<void>;
  };
  /** Client addresses the SMTP login throttle refuses for an organization's credentials. */
  smtpLoginBlocks: {
    list(organizationId: string): Promise<LoginBlock[]>;
    /** Ends one address's block for the organization (its blocks for others stand); audited when there was one. */
    lift(scope: Scope, address: string): Promise<{ lifted: boolean }>;
  };
  /** The message log: what was accepted and what became of it, per organization. */
  messages: {
    list(organizationId: string, query: MessageQuery): Promise<MessagePage>;
    countsByCredential(organizationId: string): Promise<CredentialMessageCounts[]>;
    /** One message's raw MIME, up to MESSAGE_SOURCE_MAX_BYTES; `source` is null once the body was pruned. */
    source(
      organizationId: string,
      id: string,
    ): Promise<{ message: MessageSummary; source: string | null; truncated: boolean }>;
    /** Deletes the organization's messages that are no longer waiting for delivery; audited. */
    purge(scope: Scope): Promise<{ deleted: number }>;
    /** Server-wide outbox depth and age, for operators and benchmarks; not organization data. */
    outbox(): Promise<OutboxStatus>;
  };
  /** An organization's own upstream (smarthost); the password is write-only. */
  upstream: {
    get(organizationId: string): Promise<UpstreamSettingsView>;
    /** Owners only; audited without the password. */
    set(scope: RoleScope, input: UpstreamInput): Promise<OrganizationUpstreamView>;
    /** Owners only; audited when there was one. */
    clear(scope: RoleScope): Promise<{ cleared: boolean }>;
    /** Connects to the organization's upstream (or the server's default) and reports its greeting or AUTH reply. */
    test(organizationId: string): Promise<UpstreamTestResult>;
  };
  /** Webhook endpoints: the secret is shown once, on create and rotate; deliveries are logged per endpoint. */
  webhooks: {
    list(organizationId: string): Promise<WebhookEndpoint[]>;
    /** With an Idempotency-Key, a retry answers the first create again, secret included. */
    create(scope: Scope, input: NewWebhookEndpoint, idempotencyKey?: string): Promise<WebhookEndpointWithSecret>;
    update(scope: Scope, id: string, changes: WebhookEndpointChanges): Promise<WebhookEndpoint>;
    delete(scope: Scope, id: string): Promise<{ id: string }>;
    /** A new secret; the previous one keeps signing beside it for `keepPreviousHours`. */
    rotateSecret(scope: Scope, id: string, keepPreviousHours?: number): Promise<WebhookEndpointWithSecret>;
    deliveries(organizationId: string, query: WebhookDeliveryQuery): Promise<WebhookDeliveryPage>;
  };
  users: {
    create(input: { email: string; password: string; name?: string }): Promise<User>;
    /** Checks a dashboard sign-in, throttled per client address and per account. */
    signIn(email: string, password: string, remoteAddress: string | null): Promise<SignInResult>;
    /** Refused with RegistrationClosedError when the REGISTRATION mode does not allow this sign-up. */
    signUp(input: SignUpInput, remoteAddress: string | null): Promise<void>;
    /** The REGISTRATION mode and whether no account exists yet: what a sign-up form needs to know. */
    registration(): Promise<Registration>;
    changePassword(
      actor: UserActor,
      currentPassword: string,
      newPassword: string,
      keepSessionId: string,
    ): Promise<{ sessionsEnded: number }>;
    /** The operator's reset (no current password asked); ends every session of the user and audits it. */
    resetPassword(actor: Actor, email: string, newPassword: string): Promise<{ userId: string; sessionsEnded: number }>;
    findByEmail(email: string): Promise<User | undefined>;
  };
  sessions: {
    create(userId: string, client?: SessionClient): Promise<{ token: string; expiresAt: Date }>;
    resolve(token: string): Promise<ResolvedSession | undefined>;
    /** Ends the session; resolves with its id when there was one. */
    revoke(token: string): Promise<string | undefined>;
    listForUser(userId: string, currentSessionId: string): Promise<SessionSummary[]>;
    revokeOthers(userId: string, keepSessionId: string): Promise<number>;
    revokeAll(userId: string): Promise<number>;
    revokeById(userId: string, sessionId: string): Promise<void>;
    pruneExpired(): Promise<number>;
  };
  organizations: {
    create(input: NewOrganization): Promise<{ organization: Organization; owner: User }>;
    find(idOrSlug: string): Promise<Organization | undefined>;
    /** Every organization on the server: the operator's view, never a member's. */
    list(): Promise<Organization[]>;
    listForUser(userId: string): Promise<OrganizationMembership[]>;
    rename(organizationId: string, actor: Actor, name: string): Promise<Organization>;
  };
  members: {
    role(organizationId: string, userId: string): Promise<Role | undefined>;
    list(organizationId: string): Promise<Member[]>;
    setRole(scope: RoleScope, userId: string, role: Role): Promise<void>;
    remove(scope: RoleScope, userId: string): Promise<void>;
  };
  invitations: {
    create(scope: RoleScope, role: Role, idempotencyKey?: string): Promise<{ invitation: Invitation; token: string }>;
    list(organizationId: string): Promise<Invitation[]>;
    revoke(organizationId: string, actor: Actor, id: string): Promise<void>;
    /**
     * Where a link leads, for anyone holding it (signed in or not); an unusable link is an InvitationUnusableError
     * naming why, and an address that looked up too many unusable links is refused for a while.
     */
    preview(token: string, remoteAddress: string | null): Promise<InvitationPreview>;
    accept(actor: Actor & { type: "user"; id: string }, token: string): Promise<{ organizationId: string; role: Role }>;
  };
  apiKeys: {
    create(
      scope: RoleScope,
      input: { name: string; role: ApiKeyRole },
      idempotencyKey?: string,
    ): Promise<{ apiKey: ApiKey; token: string }>;
    list(organizationId: string): Promise<ApiKey[]>;
    revoke(organizationId: string, actor: Actor, id: string): Promise<void>;
    resolve(token: string): Promise<ResolvedApiKey | undefined>;
  };
  access: {
    /** Which of a live connection's claims were revoked, expired or changed since it opened. */
    lapsed(claims: readonly AccessClaim[]): Promise<AccessRevocation[]>;
  };
  events: {
    recent(query: RecentEventsQuery): Promise<{ events: RelayEvent[]; resumeFrom: number }>;
    /** The organization's events after `afterId`, oldest first: a poller's way to miss nothing while they are kept. */
    since(query: EventsSinceQuery): Promise<RelayEvent[]>;
    stream(options: StreamOptions): AsyncGenerator<RelayEvent>;
  };
  auditLog: {
    /** Entries matching the query's filter, newest first, a page at a time, with the total the filter matches. */
    list(organizationId: string, query: AuditQuery): Promise<AuditPage>;
    /** Everyone who appears in the log, to filter it by. */
    actors(organizationId: string): Promise<AuditActor[]>;
  };
}

/** A new organization and its owner: an existing user, or a new one from email and password. */
export interface NewOrganization {
  name: string;
  owner: { userId: string } | { email: string; password: string; name?: string };
}

export interface EventsSinceQuery extends RecentEventsQuery {
  afterId: number;
}

export interface RecentEventsQuery {
  organizationId: string;
  credentialId?: string | undefined;
  types?: readonly EventType[];
  limit: number;
}
