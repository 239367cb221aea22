import type { AccessClaim, AccessRevocation, Core, Role } from "@relaypost/core";
import { TRPCError } from "@trpc/server";
import {
  type Context,
  DEFAULT_SMTP_ENDPOINT,
  type Principal,
  type RequestInfo,
  requestedOrganizationOf,
  resolvePrincipal,
  type SmtpEndpoint,
} from "./context";

/** Whether `current` is still the party a connection authenticated as (same session, same key). */
function sameParty(opened: Principal, current: Principal): boolean {
  switch (opened.kind) {
    case "anonymous":
      return current.kind === "anonymous";
    case "session":
      return current.kind === "session" && current.sessionId === opened.sessionId;
    case "apiKey":
      return current.kind === "apiKey" && current.apiKey.id === opened.apiKey.id;
  }
}

/**
 * The access of one long-lived connection (a WebSocket): the party it authenticated as and the role it has acted
 * with in each organization. Its context resolves the caller again on every call and refuses the call, telling
 * `onLapsed`, once that party is gone; its claims let the transport check all its open connections in one query.
 */
export interface ConnectionAccess {
  context: Context;
  /** What this connection acts with now, for a periodic check against the database. */
  claims(): AccessClaim[];
  /** Whether `revocation` takes this connection's access away. */
  isRevokedBy(revocation: AccessRevocation): boolean;
}

export async function openConnectionAccess(
  core: Core,
  request: RequestInfo,
  onLapsed: () => void,
  smtpEndpoint: SmtpEndpoint = DEFAULT_SMTP_ENDPOINT,
): Promise<ConnectionAccess> {
  const opened = await resolvePrincipal(core, request);
  /** The role each organization's calls were allowed with; live subscriptions keep running with it. */
  const roles = new Map<string, Role>();

  async function authenticate(): Promise<Principal> {
    if (opened.kind === "anonymous") return opened;
    const current = await resolvePrincipal(core, request);
    if (!sameParty(opened, current)) {
      onLapsed();
      throw new TRPCError({ code: "UNAUTHORIZED", message: "Access was revoked; sign in again" });
    }
    return current;
  }

  return {
    context: {
      core,
      smtpEndpoint,
      request,
      authenticate,
      requestedOrganizationId: requestedOrganizationOf(request),
      idempotencyKeyHeader: null,
      actingAs: (organizationId, role) => {
        roles.set(organizationId, role);
      },
    },
    claims() {
      switch (opened.kind) {
        case "anonymous":
          return [];
        case "apiKey":
          return [{ kind: "apiKey", apiKeyId: opened.apiKey.id }];
        case "session":
          return [
            { kind: "session", sessionId: opened.sessionId },
            ...[...roles].map(([organizationId, role]): AccessClaim => {
              return { kind: "member", organizationId, userId: opened.user.id, role };
            }),
          ];
      }
    },
    isRevokedBy(revocation) {
      switch (revocation.kind) {
        case "credential":
          return false;
        case "session":
          return opened.kind === "session" && opened.sessionId === revocation.sessionId;
        case "apiKey":
          return opened.kind === "apiKey" && opened.apiKey.id === revocation.apiKeyId;
        case "member":
          return (
            opened.kind === "session" && opened.user.id === revocation.userId && roles.has(revocation.organizationId)
          );
      }
    },
  };
}
