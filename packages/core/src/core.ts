import { type Database, queryRows } from "@relaypost/db";
import { sql } from "drizzle-orm";
import type { Actor } from "./actor";
import { listAudit } from "./audit/audit-log";
import type { EventBus } from "./events/bus";
import { recentEvents } from "./events/store";
import { type StreamOptions, streamEvents } from "./events/stream";
import type { RelayEvent } from "./events/types";
import { createPasswordHasher, type PasswordHasher } from "./hashing";
import { type ApiKeyRole, createApiKey, listApiKeys, resolveApiKey, revokeApiKey } from "./identity/api-keys";
import {
  acceptInvitation,
  createInvitation,
  listInvitations,
  previewInvitation,
  revokeInvitation,
  signUpWithInvitation,
} from "./identity/invitations";
import { addMember, listMembers, membershipRole, removeMember, setMemberRole } from "./identity/members";
import {
  createOrganization,
  findOrganization,
  listUserOrganizations,
  renameOrganization,
} from "./identity/organizations";
import { changePassword, type UserActor } from "./identity/password-change";
import type { Role } from "./identity/roles";
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
import { authenticateUser, createUser } from "./identity/users";
import { createCredentialLifecycle } from "./smtp-credentials/lifecycle";
import { getCredential, type ListQuery, listCredentials } from "./smtp-credentials/listing";

export interface CoreOptions {
  db: Database;
  hasher?: PasswordHasher;
  /** This process's feed of committed events; needed only by live subscriptions. */
  bus?: EventBus;
}

/** The domain, bound to one database: what every transport calls. */
export function createCore({ db, hasher = createPasswordHasher(), bus }: CoreOptions) {
  return {
    db,
    hasher,
    /** Resolves when the database answers a query; rejects otherwise. */
    ping: async () => {
      await queryRows(db, sql`select 1 as ok`);
    },
    smtpCredentials: {
      ...createCredentialLifecycle(db, hasher),
      list: (organizationId: string, query: ListQuery) => listCredentials(db, organizationId, query),
      get: (organizationId: string, id: string) => getCredential(db, organizationId, id),
    },
    users: {
      create: (input: { email: string; password: string; name?: string }) => createUser(db, hasher, input),
      authenticate: (email: string, password: string) => authenticateUser(db, hasher, email, password),
      changePassword: (actor: UserActor, currentPassword: string, newPassword: string, keepSessionId: string) =>
        changePassword(db, hasher, actor, currentPassword, newPassword, keepSessionId),
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
      create: (input: Parameters<typeof createOrganization>[2]) => createOrganization(db, hasher, input),
      find: (idOrSlug: string) => findOrganization(db, idOrSlug),
      listForUser: (userId: string) => listUserOrganizations(db, userId),
      rename: (organizationId: string, actor: Actor, name: string) =>
        renameOrganization(db, organizationId, actor, name),
    },
    members: {
      role: (organizationId: string, userId: string) => membershipRole(db, organizationId, userId),
      list: (organizationId: string) => listMembers(db, organizationId),
      add: (organizationId: string, actor: Actor, email: string, role: Role) =>
        addMember(db, organizationId, actor, email, role),
      setRole: (organizationId: string, actor: Actor, userId: string, role: Role) =>
        setMemberRole(db, organizationId, actor, userId, role),
      remove: (organizationId: string, actor: Actor, userId: string) => removeMember(db, organizationId, actor, userId),
    },
    invitations: {
      create: (organizationId: string, actor: Actor, role: Role) => createInvitation(db, organizationId, actor, role),
      list: (organizationId: string) => listInvitations(db, organizationId),
      revoke: (organizationId: string, actor: Actor, id: string) => revokeInvitation(db, organizationId, actor, id),
      preview: (token: string) => previewInvitation(db, token),
      accept: (actor: Actor & { type: "user"; id: string }, token: string) => acceptInvitation(db, actor, token),
      signUp: (input: Parameters<typeof signUpWithInvitation>[2], token: string, remoteAddress: string | null) =>
        signUpWithInvitation(db, hasher, input, token, remoteAddress),
    },
    apiKeys: {
      create: (organizationId: string, actor: Actor, input: { name: string; role: ApiKeyRole }) =>
        createApiKey(db, organizationId, actor, input),
      list: (organizationId: string) => listApiKeys(db, organizationId),
      revoke: (organizationId: string, actor: Actor, id: string) => revokeApiKey(db, organizationId, actor, id),
      resolve: (token: string) => resolveApiKey(db, token),
    },
    events: {
      recent: (query: Parameters<typeof recentEvents>[1]) => recentEvents(db, query),
      stream(options: StreamOptions): AsyncGenerator<RelayEvent> {
        if (!bus) throw new Error("Live events need an event bus; pass one to createCore");
        return streamEvents(db, bus, options);
      },
    },
    auditLog: {
      list: (organizationId: string, page: { cursor?: number | undefined; limit: number }) =>
        listAudit(db, organizationId, page),
    },
  };
}

export type Core = ReturnType<typeof createCore>;
