import { randomBytes } from "node:crypto";
import type { RegistrationMode } from "@relaypost/contract";
import { type Database, queryRows } from "@relaypost/db";
import { sql } from "drizzle-orm";
import type { Actor } from "./actor";
import { type AuditQuery, listAudit, listAuditActors } from "./audit/audit-log";
import type { EventBus } from "./events/bus";
import { readEvents, recentEvents } from "./events/store";
import { type StreamOptions, streamEvents } from "./events/stream";
import type { RelayEvent } from "./events/types";
import { createAccountHasher, type PasswordHasher } from "./hashing";
import { createIdempotency, pruneIdempotencyKeys } from "./idempotency/idempotency";
import { type AccessClaim, lapsedAccess } from "./identity/access-claims";
import { type ApiKeyRole, createApiKey, listApiKeys, resolveApiKey, revokeApiKey } from "./identity/api-keys";
import { createInvitationPreview } from "./identity/invitation-preview";
import { acceptInvitation, createInvitation, listInvitations, revokeInvitation } from "./identity/invitations";
import { listMembers, membershipRole, removeMember, setMemberRole } from "./identity/members";
import {
  createOrganization,
  findOrganization,
  listAllOrganizations,
  listUserOrganizations,
  renameOrganization,
} from "./identity/organizations";
import { changePassword, resetPassword, type UserActor } from "./identity/password-change";
import { describeRegistration } from "./identity/registration";
import type { Role, RoleScope } from "./identity/roles";
import {
  createSession,
  listUserSessions,
  pruneExpiredSessions,
  resolveSession,
  revokeAllSessions,
  revokeOtherSessions,
  revokeSession,
  revokeSessionById,
  type SessionClient,
} from "./identity/sessions";
import { createSignIn } from "./identity/sign-in";
import { type SignUpInput, signUp } from "./identity/sign-up";
import { createUser, findUserByEmail } from "./identity/users";
import {
  countMessagesByCredential,
  getMessageSource,
  listMessages,
  type MessageQuery,
  purgeMessages,
} from "./relay/message-log";
import {
  clearOrganizationUpstream,
  getUpstreamSettings,
  setOrganizationUpstream,
  testOrganizationUpstream,
  type UpstreamInput,
} from "./relay/organization-upstream";
import { outboxStatus } from "./relay/outbox";
import type { Upstream } from "./relay/upstream";
import { Keyring } from "./secret-box";
import type { Core, EventsSinceQuery, NewOrganization, RecentEventsQuery } from "./services";
import { createLoginBlocks } from "./smtp-auth/login-blocks";
import { createLoginThrottle, type LoginThrottle } from "./smtp-auth/login-throttle";
import {
  type LastLogin,
  type SmtpCredential,
  withUnwrittenLastUsed,
  withUnwrittenLogin,
} from "./smtp-credentials/credential";
import {
  type CredentialUpdate,
  createCredentialLifecycle,
  type NewCredentialInput,
  type Scope,
} from "./smtp-credentials/lifecycle";
import { getCredential, type ListQuery, listCredentials } from "./smtp-credentials/listing";
import { loginActivity } from "./smtp-credentials/login-activity";
import { type AttemptStore, createMemoryAttemptStore } from "./throttle/attempt-store";
import { DEFAULT_THROTTLE_POLICY, type ThrottlePolicy } from "./throttle/throttle";
import { listWebhookDeliveries, type WebhookDeliveryQuery } from "./webhooks/delivery-log";
import type { WebhookNetworkPolicy } from "./webhooks/endpoint-address";
import { createWebhookEndpoints, type NewWebhookEndpoint } from "./webhooks/endpoints";

export interface CoreOptions {
  db: Database;
  /** argon2 for account and API work: user passwords, new SMTP passwords. */
  hasher?: PasswordHasher;
  /** Where login attempts are counted; `attemptStoreFor(database)` shares them across processes on PostgreSQL. */
  attempts?: AttemptStore;
  /** Sign-in throttle settings (tests shorten its delays). */
  signInThrottle?: Partial<ThrottlePolicy>;
  /** The SMTP login throttle, whose blocks organizations see and lift; by default one on `attempts`. */
  smtpThrottle?: Pick<LoginThrottle, "blocks" | "lift">;
  /** This process's feed of committed events; needed only by live subscriptions. */
  bus?: EventBus;
  /** The clock sending limits are counted by, for the usage `smtpCredentials.get` reports. */
  now?: (() => Date) | undefined;
  /** Seals and opens organizations' upstream passwords; without it none can be set. */
  keyring?: Keyring | undefined;
  /** The server's default upstream (RELAY_URL), which "test connection" tries for organizations without their own. */
  serverUpstream?: Upstream | undefined;
  /** Which addresses webhook endpoints may have; public ones over HTTPS only by default. */
  webhookPolicy?: WebhookNetworkPolicy;
  /** Told of each sign-in refused by the throttle before its password was checked (a metric). */
  onSignInBlocked?: () => void;
  /** Who may sign up (REGISTRATION); `open` by default. */
  registration?: RegistrationMode;
  /** A credential's latest login this process noted and has not written yet (the last-used recorder's). */
  unwrittenLastUsed?: (credentialId: string) => LastLogin | undefined;
}

/** The domain, bound to one database: what every transport calls. */
export function createCore({
  db,
  hasher = createAccountHasher(),
  attempts = createMemoryAttemptStore(),
  signInThrottle,
  smtpThrottle = createLoginThrottle(attempts),
  bus,
  now = () => new Date(),
  keyring,
  serverUpstream,
  webhookPolicy = { allowPrivateNetworks: false },
  onSignInBlocked,
  registration = "open",
  unwrittenLastUsed = () => undefined,
}: CoreOptions): Core {
  const signIn = createSignIn(db, hasher, attempts, signInThrottle, onSignInBlocked);
  const invitationPreview = createInvitationPreview(db, attempts, now);
  const credentials = createCredentialLifecycle(db, hasher);
  // Without a server key, answers are sealed with one of this process's own: a retry reaching another process (or
  // this one after a restart) is told the answer cannot be shown, and still creates nothing (docs/api.md).
  const once = createIdempotency(db, keyring ?? new Keyring(randomBytes(32)), now);
  const webhookEndpoints = createWebhookEndpoints(db, keyring, webhookPolicy);
  const fresh = <C extends SmtpCredential>(credential: C) =>
    withUnwrittenLastUsed(credential, unwrittenLastUsed(credential.id));
  return {
    pruneIdempotencyKeys: () => pruneIdempotencyKeys(db, now()),
    pruneLoginAttempts: () => attempts.prune(Date.now(), DEFAULT_THROTTLE_POLICY.windowMs),
    ping: async () => {
      await queryRows(db, sql`select 1 as ok`);
    },
    smtpCredentials: {
      ...credentials,
      create: (scope: Scope, input: NewCredentialInput, idempotencyKey?: string) =>
        once(idempotencyKey, { ...scope, operation: "smtpCredentials.create", input }, (transact) =>
          credentials.create(scope, input, transact),
        ),
      list: async (organizationId: string, query: ListQuery) => {
        const page = await listCredentials(db, organizationId, query, now());
        return { ...page, items: page.items.map(fresh) };
      },
      get: async (organizationId: string, id: string) =>
        withUnwrittenLogin(await getCredential(db, organizationId, id, now()), unwrittenLastUsed(id)),
      loginActivity: (organizationId: string, id: string) => loginActivity(db, organizationId, id, now()),
      update: async (scope: Scope, id: string, input: CredentialUpdate) =>
        fresh(await credentials.update(scope, id, input)),
      regeneratePassword: async (
        scope: Scope,
        id: string,
        options?: { keepPreviousForSeconds?: number | undefined },
      ) => {
        const result = await credentials.regeneratePassword(scope, id, options);
        return { ...result, credential: fresh(result.credential) };
      },
      endPreviousPassword: async (scope: Scope, id: string) => fresh(await credentials.endPreviousPassword(scope, id)),
      setActive: async (scope: Scope, id: string, active: boolean) =>
        fresh(await credentials.setActive(scope, id, active)),
    },
    smtpLoginBlocks: createLoginBlocks(db, smtpThrottle),
    messages: {
      list: (organizationId: string, query: MessageQuery) => listMessages(db, organizationId, query),
      countsByCredential: (organizationId: string) => countMessagesByCredential(db, organizationId),
      source: (organizationId: string, id: string) => getMessageSource(db, organizationId, id),
      purge: (scope: Scope) => purgeMessages(db, scope),
      outbox: () => outboxStatus(db),
    },
    upstream: {
      get: (organizationId: string) =>
        getUpstreamSettings(db, organizationId, { serverDefault: !!serverUpstream, canStorePasswords: !!keyring }),
      set: (scope: RoleScope, input: UpstreamInput) => setOrganizationUpstream(db, keyring, scope, input),
      clear: (scope: RoleScope) => clearOrganizationUpstream(db, scope),
      test: (organizationId: string) => testOrganizationUpstream(db, keyring, serverUpstream, organizationId),
    },
    webhooks: {
      ...webhookEndpoints,
      create: (scope: Scope, input: NewWebhookEndpoint, idempotencyKey?: string) =>
        once(idempotencyKey, { ...scope, operation: "webhooks.create", input }, (transact) =>
          webhookEndpoints.create(scope, input, transact),
        ),
      deliveries: (organizationId: string, query: WebhookDeliveryQuery) =>
        listWebhookDeliveries(db, organizationId, query),
    },
    users: {
      create: (input: { email: string; password: string; name?: string }) => createUser(db, hasher, input),
      signIn: signIn.signIn,
      signUp: (input: SignUpInput, remoteAddress: string | null) =>
        signUp(db, hasher, registration, input, remoteAddress),
      registration: () => describeRegistration(db, registration),
      changePassword: (actor: UserActor, currentPassword: string, newPassword: string, keepSessionId: string) =>
        changePassword(db, hasher, actor, currentPassword, newPassword, keepSessionId),
      resetPassword: (actor: Actor, email: string, newPassword: string) =>
        resetPassword(db, hasher, actor, email, newPassword),
      findByEmail: (email: string) => findUserByEmail(db, email),
    },
    sessions: {
      create: (userId: string, client?: SessionClient) => createSession(db, userId, client),
      resolve: (token: string) => resolveSession(db, token),
      revoke: (token: string) => revokeSession(db, token),
      listForUser: (userId: string, currentSessionId: string) => listUserSessions(db, userId, currentSessionId),
      revokeOthers: (userId: string, keepSessionId: string) => revokeOtherSessions(db, userId, keepSessionId),
      revokeAll: (userId: string) => revokeAllSessions(db, userId),
      revokeById: (userId: string, sessionId: string) => revokeSessionById(db, userId, sessionId),
      pruneExpired: () => pruneExpiredSessions(db),
    },
    organizations: {
      create: (input: NewOrganization) => createOrganization(db, hasher, input),
      find: (idOrSlug: string) => findOrganization(db, idOrSlug),
      list: () => listAllOrganizations(db),
      listForUser: (userId: string) => listUserOrganizations(db, userId),
      rename: (organizationId: string, actor: Actor, name: string) =>
        renameOrganization(db, organizationId, actor, name),
    },
    members: {
      role: (organizationId: string, userId: string) => membershipRole(db, organizationId, userId),
      list: (organizationId: string) => listMembers(db, organizationId),
      setRole: (scope: RoleScope, userId: string, role: Role) => setMemberRole(db, scope, userId, role),
      remove: (scope: RoleScope, userId: string) => removeMember(db, scope, userId),
    },
    invitations: {
      create: (scope: RoleScope, role: Role, idempotencyKey?: string) =>
        once(idempotencyKey, { ...scope, operation: "invitations.create", input: { role } }, (transact) =>
          createInvitation(db, scope, role, transact),
        ),
      list: (organizationId: string) => listInvitations(db, organizationId),
      revoke: (organizationId: string, actor: Actor, id: string) => revokeInvitation(db, organizationId, actor, id),
      preview: invitationPreview,
      accept: (actor: Actor & { type: "user"; id: string }, token: string) => acceptInvitation(db, actor, token),
    },
    apiKeys: {
      create: (scope: RoleScope, input: { name: string; role: ApiKeyRole }, idempotencyKey?: string) =>
        once(idempotencyKey, { ...scope, operation: "apiKeys.create", input }, (transact) =>
          createApiKey(db, scope, input, transact),
        ),
      list: (organizationId: string) => listApiKeys(db, organizationId),
      revoke: (organizationId: string, actor: Actor, id: string) => revokeApiKey(db, organizationId, actor, id),
      resolve: (token: string) => resolveApiKey(db, token),
    },
    access: {
      lapsed: (claims: readonly AccessClaim[]) => lapsedAccess(db, claims),
    },
    events: {
      recent: (query: RecentEventsQuery) => recentEvents(db, query),
      since: ({ credentialId, ...query }: EventsSinceQuery) =>
        readEvents(db, { ...query, ...(credentialId ? { credentialId } : {}) }),
      stream(options: StreamOptions): AsyncGenerator<RelayEvent> {
        if (!bus) throw new Error("Live events need an event bus; pass one to createCore");
        return streamEvents(db, bus, options);
      },
    },
    auditLog: {
      list: (organizationId: string, query: AuditQuery) => listAudit(db, organizationId, query),
      actors: (organizationId: string) => listAuditActors(db, organizationId),
    },
  };
}
