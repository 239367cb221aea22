import { DEFAULT_SMTP_PORT, IDEMPOTENCY_KEY_HEADER, ORGANIZATION_HEADER, SESSION_COOKIE } from "@relaypost/contract";
import type { Actor, Core, ResolvedApiKey, Role, User } from "@relaypost/core";

/** What a transport knows about a caller; HTTP and WebSocket adapters both reduce to this. */
export interface RequestInfo {
  headers: Headers;
  remoteAddress: string | null;
  /** Values a WebSocket client sent in its connection params (tokens cannot travel in browser WS headers). */
  connectionParams?: Record<string, string | undefined> | null;
  /** Present on HTTP: lets sign-in and sign-out set the session cookie. */
  resHeaders?: Headers;
  /** Whether the request arrived over HTTPS, for the cookie's Secure flag. */
  secure?: boolean;
}

export type Principal =
  | { kind: "anonymous" }
  | { kind: "session"; sessionId: string; sessionToken: string; user: User }
  | { kind: "apiKey"; apiKey: ResolvedApiKey };

/** Where applications connect over SMTP in this deployment; admins see it beside a new password. */
export interface SmtpEndpoint {
  /** The public host name, when the operator set one (SMTP_HOST); otherwise clients use the dashboard's host. */
  host: string | null;
  /** STARTTLS submission port. */
  port: number;
  /** Implicit-TLS port, when enabled. */
  implicitTlsPort: number | null;
  /** Whether accepted mail is relayed to an upstream; when false it is stored only (NOT_RELAYED_NOTICE). */
  relaying: boolean;
}

export const DEFAULT_SMTP_ENDPOINT: SmtpEndpoint = {
  host: null,
  port: DEFAULT_SMTP_PORT,
  implicitTlsPort: null,
  relaying: false,
};

export interface Context {
  core: Core;
  smtpEndpoint: SmtpEndpoint;
  request: RequestInfo;
  /**
   * The caller, as of this call. An HTTP request resolves it once; a WebSocket connection resolves it again on every
   * call, so a credential revoked while the connection stays open stops working at its next call.
   */
  authenticate(): Promise<Principal>;
  /** The organization a session caller asked to act in (header or connection param); API keys have their own. */
  requestedOrganizationId: string | null;
  /**
   * The request's Idempotency-Key header, unchecked. HTTP only: a WebSocket connection's headers are shared by every
   * call it makes, so they name no single create.
   */
  idempotencyKeyHeader: string | null;
  /** Told the role a session caller acts with in an organization, so a connection can end when that changes. */
  actingAs?(organizationId: string, role: Role): void;
}

/** A cookie's value; one that is not valid percent-encoding (anyone can send one) reads as absent: signed out. */
export function readCookie(headers: Headers, name: string): string | undefined {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join("="));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function bearerToken(request: RequestInfo): string | undefined {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1] ?? request.connectionParams?.apiKey ?? undefined;
}

export async function resolvePrincipal(core: Core, request: RequestInfo): Promise<Principal> {
  const token = bearerToken(request);
  if (token) {
    const apiKey = await core.apiKeys.resolve(token);
    // A bearer token that does not resolve never falls back to the cookie: the caller meant to use the key.
    return apiKey ? { kind: "apiKey", apiKey } : { kind: "anonymous" };
  }
  const sessionToken = readCookie(request.headers, SESSION_COOKIE) ?? request.connectionParams?.sessionToken;
  if (sessionToken) {
    const session = await core.sessions.resolve(sessionToken);
    if (session) return { kind: "session", sessionId: session.sessionId, sessionToken, user: session.user };
  }
  return { kind: "anonymous" };
}

export const requestedOrganizationOf = (request: RequestInfo): string | null =>
  request.headers.get(ORGANIZATION_HEADER) ?? request.connectionParams?.organizationId ?? null;

/** The context of one HTTP request: its calls (a batch) share one resolution of the caller. */
export async function createContext(
  core: Core,
  request: RequestInfo,
  smtpEndpoint: SmtpEndpoint = DEFAULT_SMTP_ENDPOINT,
): Promise<Context> {
  let principal: Promise<Principal> | undefined;
  return {
    core,
    smtpEndpoint,
    request,
    authenticate: () => {
      principal ??= resolvePrincipal(core, request);
      return principal;
    },
    requestedOrganizationId: requestedOrganizationOf(request),
    idempotencyKeyHeader: request.headers.get(IDEMPOTENCY_KEY_HEADER),
  };
}

export function actorOf(principal: Principal, remoteAddress: string | null): Actor {
  switch (principal.kind) {
    case "session":
      return { type: "user", id: principal.user.id, label: principal.user.email, remoteAddress };
    case "apiKey":
      return { type: "api_key", id: principal.apiKey.id, label: `API key "${principal.apiKey.name}"`, remoteAddress };
    case "anonymous":
      return { type: "system", id: null, label: "anonymous", remoteAddress };
  }
}

export interface OrganizationScope {
  organizationId: string;
  role: Role;
  actor: Actor;
}
