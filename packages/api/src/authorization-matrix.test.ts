import type { Role } from "@relaypost/core";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSRF_HEADER, createContext, ORGANIZATION_HEADER, SESSION_COOKIE } from "./context";
import { procedurePaths } from "./procedures.test-support";
import { appRouter } from "./root";
import { type ApiHarness, type Caller, createApiHarness, type TestOrganization } from "./testing";

/**
 * A generated matrix: every procedure × every kind of caller × its own organization's ids or another's. The
 * expectation of each cell follows from one rule per procedure (who may call it), not from a hand-kept table of
 * outcomes, and every cell asserts the exact code. tenancy.test.ts holds the hand-written cases this generalizes.
 */
type Requirement = "public" | "user" | Role;

interface Targets {
  organizationId: string;
  credentialId: string;
  apiKeyId: string;
  userId: string;
  invitationId: string;
  newMemberEmail: string;
}

interface Spec {
  requires: Requirement;
  /** Whether the call names an id of organization data (a foreign one must look like an unknown one). */
  takesId: boolean;
  /** The id only filters a listing: a foreign one matches nothing, so the answer is an empty success. */
  filtersById?: true;
  call: (c: Caller, t: Targets) => Promise<unknown>;
}

const SPECS: Record<string, Spec> = {
  "account.changePassword": {
    requires: "user",
    takesId: false,
    call: (c) =>
      c.account
        .changePassword({ currentPassword: "not-the-password", newPassword: "another-password-1" })
        .catch(wrongPasswordIsFine),
  },
  "account.endSession": {
    requires: "user",
    takesId: false,
    call: async (c) => {
      const other = (await c.account.sessions()).find((session) => !session.current);
      return c.account.endSession({ id: other?.id ?? crypto.randomUUID() });
    },
  },
  "account.sessions": { requires: "user", takesId: false, call: (c) => c.account.sessions() },
  "account.signOutEverywhere": { requires: "user", takesId: false, call: (c) => c.account.signOutEverywhere() },
  "apiKeys.create": { requires: "admin", takesId: false, call: (c) => c.apiKeys.create({ name: "k", role: "viewer" }) },
  "apiKeys.list": { requires: "viewer", takesId: false, call: (c) => c.apiKeys.list() },
  "apiKeys.revoke": { requires: "admin", takesId: true, call: (c, t) => c.apiKeys.revoke({ id: t.apiKeyId }) },
  "auditLog.list": { requires: "viewer", takesId: false, call: (c) => c.auditLog.list() },
  "auth.me": { requires: "public", takesId: false, call: (c) => c.auth.me() },
  "auth.signIn": {
    requires: "public",
    takesId: false,
    call: (c) => c.auth.signIn({ email: "nobody@example.com", password: "wrong-password" }).catch(() => null),
  },
  "auth.signOut": { requires: "user", takesId: false, call: (c) => c.auth.signOut() },
  "auth.signUp": {
    requires: "public",
    takesId: false,
    call: (c) =>
      c.auth.signUp({
        email: `su-${crypto.randomUUID()}@example.com`,
        password: "password-123",
        organizationName: "S",
      }),
  },
  "events.recent": {
    requires: "viewer",
    takesId: true,
    filtersById: true,
    call: (c, t) => c.events.recent({ credentialId: t.credentialId }),
  },
  "events.subscribe": {
    requires: "viewer",
    takesId: false,
    call: async (c) => {
      const stream = await c.events.subscribe({});
      await stream[Symbol.asyncIterator]().return?.();
    },
  },
  "members.acceptInvitation": {
    requires: "user",
    takesId: false,
    call: (c) => c.members.acceptInvitation({ token: "rpinv_unknown" }).catch(notFoundIsFine),
  },
  "members.add": {
    requires: "admin",
    takesId: false,
    call: (c, t) => c.members.add({ email: t.newMemberEmail, role: "viewer" }),
  },
  "members.invitations": { requires: "admin", takesId: false, call: (c) => c.members.invitations() },
  "members.invite": { requires: "admin", takesId: false, call: (c) => c.members.invite({ role: "viewer" }) },
  "members.list": { requires: "viewer", takesId: false, call: (c) => c.members.list() },
  "members.previewInvitation": {
    requires: "user",
    takesId: false,
    call: (c) => c.members.previewInvitation({ token: "rpinv_unknown" }).catch(notFoundIsFine),
  },
  "members.remove": { requires: "admin", takesId: true, call: (c, t) => c.members.remove({ userId: t.userId }) },
  "members.revokeInvitation": {
    requires: "admin",
    takesId: true,
    call: (c, t) => c.members.revokeInvitation({ id: t.invitationId }),
  },
  "members.setRole": {
    requires: "owner",
    takesId: true,
    call: (c, t) => c.members.setRole({ userId: t.userId, role: "admin" }),
  },
  "organizations.create": { requires: "user", takesId: false, call: (c) => c.organizations.create({ name: "Mine 2" }) },
  "organizations.current": { requires: "viewer", takesId: false, call: (c) => c.organizations.current() },
  "organizations.list": { requires: "user", takesId: false, call: (c) => c.organizations.list() },
  "organizations.rename": {
    requires: "owner",
    takesId: false,
    call: (c) => c.organizations.rename({ name: "Renamed" }),
  },
  "smtpCredentials.connectionSettings": {
    requires: "viewer",
    takesId: false,
    call: (c) => c.smtpCredentials.connectionSettings(),
  },
  "smtpCredentials.create": { requires: "admin", takesId: false, call: (c) => c.smtpCredentials.create({}) },
  "smtpCredentials.delete": {
    requires: "admin",
    takesId: true,
    call: (c, t) => c.smtpCredentials.delete({ id: t.credentialId }),
  },
  "smtpCredentials.get": {
    requires: "viewer",
    takesId: true,
    call: (c, t) => c.smtpCredentials.get({ id: t.credentialId }),
  },
  "smtpCredentials.list": { requires: "viewer", takesId: false, call: (c) => c.smtpCredentials.list() },
  "smtpCredentials.regeneratePassword": {
    requires: "admin",
    takesId: true,
    call: (c, t) => c.smtpCredentials.regeneratePassword({ id: t.credentialId }),
  },
  "smtpCredentials.setActive": {
    requires: "admin",
    takesId: true,
    call: (c, t) => c.smtpCredentials.setActive({ id: t.credentialId, active: false }),
  },
  "smtpCredentials.update": {
    requires: "admin",
    takesId: true,
    call: (c, t) => c.smtpCredentials.update({ id: t.credentialId, description: "changed" }),
  },
};

/** An unknown invitation token is the caller's own business, not an authorization answer. */
function notFoundIsFine(error: unknown): null {
  if (error instanceof TRPCError && error.code === "NOT_FOUND") return null;
  throw error;
}

/** Nobody's password is known here: a refused current password shows the call got past authorization. */
function wrongPasswordIsFine(error: unknown): null {
  if (error instanceof TRPCError && error.code === "BAD_REQUEST") return null;
  throw error;
}

const procedureTypes = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;

/**
 * A caller-shaped client that goes over HTTP: each call becomes the request a browser or @relaypost/client sends
 * (GET with `?input=` for queries, POST for mutations, superjson bodies), served by tRPC's fetch adapter with the
 * same context factory the server uses. Errors come back as the HTTP answer's tRPC code.
 */
function httpCaller(core: ApiHarness["core"], headers: Record<string, string>): Caller {
  const call = async (path: string, input: unknown) => {
    const type = procedureTypes[path]?._def.type;
    const encoded = JSON.stringify(superjson.serialize(input));
    const url = `http://relaypost.test/trpc/${path}`;
    const req =
      type === "mutation"
        ? new Request(url, {
            method: "POST",
            headers: { ...headers, "content-type": "application/json" },
            body: encoded,
          })
        : new Request(`${url}?input=${encodeURIComponent(encoded)}`, { headers });
    const response = await fetchRequestHandler({
      endpoint: "/trpc",
      req,
      router: appRouter,
      createContext: ({ req: request, resHeaders }) =>
        createContext(core, { headers: request.headers, remoteAddress: "203.0.113.7", resHeaders }),
    });
    const body = (await response.json()) as {
      result?: { data: Parameters<typeof superjson.deserialize>[0] };
      error?: { json: { data: { code: TRPC_ERROR_CODE_KEY } } };
    };
    if (body.error) throw new TRPCError({ code: body.error.json.data.code });
    return body.result ? superjson.deserialize(body.result.data) : undefined;
  };
  const node = (path: string[]): unknown =>
    new Proxy(() => {}, {
      // Not a thenable: `await` and async returns must not mistake the proxy for a promise.
      get: (_target, key) => (key === "then" ? undefined : node([...path, String(key)])),
      apply: (_target, _this, args: unknown[]) => call(path.join("."), args[0]),
    });
  return node([]) as Caller;
}

type Transport = "caller" | "http";

type CallerKind = "owner" | "admin" | "viewer" | "apiKey:admin" | "apiKey:viewer" | "anonymous";
const CALLER_KINDS: CallerKind[] = ["owner", "admin", "viewer", "apiKey:admin", "apiKey:viewer", "anonymous"];
const RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };

function expectedCode(spec: Spec, kind: CallerKind, scope: "own" | "foreign"): string {
  if (spec.requires === "public") return "OK";
  if (kind === "anonymous") return "UNAUTHORIZED";
  const isKey = kind.startsWith("apiKey:");
  if (spec.requires === "user") return isKey ? "UNAUTHORIZED" : "OK";
  const role = (isKey ? kind.slice("apiKey:".length) : kind) as Role;
  // Another organization named outright (header) is not found; its ids inside one's own are not found either.
  if (scope === "foreign" && !spec.takesId) return "NOT_FOUND";
  if (RANK[role] < RANK[spec.requires]) return "FORBIDDEN";
  return scope === "foreign" && !spec.filtersById ? "NOT_FOUND" : "OK";
}

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

describe("authorization matrix: every procedure × caller × own or foreign ids", () => {
  let h: ApiHarness;
  let mine: TestOrganization;
  let theirs: TestOrganization;
  let members: { admin: string; viewer: string };
  let foreign: Targets;
  let foreignSnapshot: string;

  /** The owner on a session of its own: calls that end the caller's sessions end none a later call needs. */
  async function asOwner(org: TestOrganization): Promise<Caller> {
    return h.asSession((await h.core.sessions.create(org.owner.id)).token, org.id);
  }

  /** Fresh targets in `org` for one call, so a call that deletes or revokes spoils nothing for the next. */
  async function targetsIn(org: TestOrganization): Promise<Targets> {
    const owner = await asOwner(org);
    const { credential } = await owner.smtpCredentials.create({});
    const { apiKey } = await h.createApiKey(org.id, "viewer");
    const member = await h.addMember(org.id, "viewer");
    await owner.members.invite({ role: "viewer" });
    const [invitation] = await owner.members.invitations();
    const email = `new-${crypto.randomUUID()}@example.com`;
    await h.core.users.create({ email, password: "password-123" });
    return {
      organizationId: org.id,
      credentialId: credential.id,
      apiKeyId: apiKey.id,
      userId: member.id,
      invitationId: invitation?.id ?? "",
      newMemberEmail: email,
    };
  }

  /** A new caller of `kind` in `mine`, asking to act in `organizationId` when it is not its own. */
  async function callerOf(kind: CallerKind, organizationId: string, transport: Transport): Promise<Caller> {
    const headers: Record<string, string> = organizationId === mine.id ? {} : { [ORGANIZATION_HEADER]: organizationId };
    if (kind.startsWith("apiKey:")) {
      const { token } = await h.createApiKey(mine.id, kind === "apiKey:admin" ? "admin" : "viewer");
      headers.authorization = `Bearer ${token}`;
    } else if (kind !== "anonymous") {
      const userId = kind === "owner" ? mine.owner.id : members[kind as "admin" | "viewer"];
      const { token } = await h.core.sessions.create(userId);
      Object.assign(headers, {
        cookie: `${SESSION_COOKIE}=${token}`,
        [CSRF_HEADER]: "1",
        [ORGANIZATION_HEADER]: organizationId,
      });
    }
    return transport === "http" ? httpCaller(h.core, headers) : h.callerFor(headers);
  }

  async function snapshot(org: TestOrganization): Promise<string> {
    const owner = await asOwner(org);
    return JSON.stringify([
      await owner.organizations.current(),
      await owner.smtpCredentials.list({ limit: 100 }),
      (await owner.apiKeys.list()).map((k) => [k.id, k.revokedAt]),
      await owner.members.list(),
      await owner.members.invitations(),
    ]);
  }

  beforeAll(async () => {
    h = await createApiHarness();
    mine = await h.createOrganization("Mine");
    theirs = await h.createOrganization("Theirs");
    members = {
      admin: (await h.addMember(mine.id, "admin")).id,
      viewer: (await h.addMember(mine.id, "viewer")).id,
    };
    foreign = await targetsIn(theirs);
    foreignSnapshot = await snapshot(theirs);
  });
  afterAll(() => h.destroy());

  it("has a rule for every procedure of the router", () => {
    expect(Object.keys(SPECS).sort()).toEqual(procedurePaths());
  });

  const cases = Object.keys(SPECS)
    .sort()
    .flatMap((path) => (["caller", "http"] as const).map((transport) => [path, transport] as const))
    // Subscriptions over HTTP are not served; their WebSocket side is in apps/server/src/http/security.test.ts.
    .filter(([path, transport]) => transport === "caller" || procedureTypes[path]?._def.type !== "subscription");
  for (const [path, transport] of cases) {
    const spec = SPECS[path] as Spec;
    it(`${path} (${transport}): each caller gets exactly what its role allows, and nothing of another organization`, async () => {
      const cells: Array<{ kind: CallerKind; scope: string; code: string }> = [];
      const expected: typeof cells = [];
      for (const kind of CALLER_KINDS) {
        for (const scope of ["own", "foreign"] as const) {
          const targets = scope === "own" ? await targetsIn(mine) : foreign;
          // A foreign id is tried from inside one's own organization; a foreign organization is named by header.
          const caller = await callerOf(kind, scope === "foreign" && !spec.takesId ? theirs.id : mine.id, transport);
          let output = "";
          const code = await codeOf(
            spec.call(caller, targets).then((result) => {
              output = JSON.stringify(result) ?? "";
            }),
          );
          cells.push({ kind, scope, code });
          expected.push({ kind, scope, code: expectedCode(spec, kind, scope) });
          for (const id of [foreign.credentialId, foreign.apiKeyId, foreign.userId, foreign.invitationId, theirs.id]) {
            expect(output).not.toContain(id);
          }
        }
      }
      expect(cells).toEqual(expected);
      expect(await snapshot(theirs)).toBe(foreignSnapshot);
    });
  }
});
