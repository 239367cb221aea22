import { CSRF_HEADER, ORGANIZATION_HEADER, SESSION_COOKIE } from "@relaypost/contract";
import { ROLES, type Role, systemActor } from "@relaypost/core";
import { schema } from "@relaypost/db";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inputKeys, procedurePaths } from "./procedures.test-support";
import { restCaller, restRouteOf } from "./rest/rest-client.test-support";
import { appRouter } from "./root";
import { type ApiHarness, type Caller, createApiHarness, type TestOrganization, trpcOverHttp } from "./testing";

/**
 * A generated matrix: every procedure × every kind of caller × its own organization's ids or another's, and for
 * every input that takes a role, every role value; for every procedure that acts on a member, a member of every
 * rank. The expectation of each cell follows from one rule per procedure (who may call it) and the role ladder
 * (nobody grants a role above their own or acts on a member who ranks above them), not from a hand-kept table of
 * outcomes, and every cell asserts the exact code. tenancy.test.ts holds the hand-written cases this generalizes.
 */
type Requirement = "public" | "user" | Role;

/** The kind of organization data a call names by id. */
type TargetKind = "credential" | "apiKey" | "member" | "invitation" | "message" | "webhook";

/** One cell's inputs: the target's id, the role the input carries, and the rank of the member acted on. */
interface Variant {
  id: string;
  role: Role;
  rank: Role;
}

interface Spec {
  requires: Requirement;
  /** The organization data the call names by id, if any (a foreign id must look like an unknown one). */
  target?: TargetKind;
  /** The id only filters a listing: a foreign one matches nothing, so the answer is an empty success. */
  filtersById?: true;
  /** The roles this input accepts; every role is tried, and the others must be refused as bad input. */
  roles?: readonly Role[];
  call: (c: Caller, v: Variant) => Promise<unknown>;
}

/** An account of no organization (the matrix's outsider), whose right password every caller may sign in with. */
const SIGN_IN_ACCOUNT = { email: "outsider@example.com", password: "outsider-password" };

const SPECS: Record<string, Spec> = {
  "account.changePassword": {
    requires: "user",
    call: (c) =>
      c.account
        .changePassword({ currentPassword: "not-the-password", newPassword: "another-password-1" })
        .catch(wrongPasswordIsFine),
  },
  "account.endSession": {
    requires: "user",
    call: async (c) => {
      const other = (await c.account.sessions()).find((session) => !session.current);
      return c.account.endSession({ id: other?.id ?? crypto.randomUUID() });
    },
  },
  "account.sessions": { requires: "user", call: (c) => c.account.sessions() },
  "account.signOutEverywhere": { requires: "user", call: (c) => c.account.signOutEverywhere() },
  "apiKeys.create": {
    requires: "admin",
    roles: ["admin", "viewer"],
    call: (c, v) => c.apiKeys.create({ name: "k", role: v.role as "admin" | "viewer" }),
  },
  "apiKeys.list": { requires: "viewer", call: (c) => c.apiKeys.list() },
  "apiKeys.revoke": { requires: "admin", target: "apiKey", call: (c, v) => c.apiKeys.revoke({ id: v.id }) },
  "auditLog.list": { requires: "viewer", call: (c) => c.auditLog.list() },
  "auditLog.actors": { requires: "viewer", call: (c) => c.auditLog.actors() },
  "auth.me": { requires: "public", call: (c) => c.auth.me() },
  "auth.signIn": {
    requires: "public",
    // The right password of an existing account: whoever calls, the answer is a signed-in user, never a refusal.
    call: (c) => c.auth.signIn(SIGN_IN_ACCOUNT),
  },
  "auth.registration": { requires: "public", call: (c) => c.auth.registration() },
  "auth.signOut": { requires: "user", call: (c) => c.auth.signOut() },
  "auth.signUp": {
    requires: "public",
    call: (c) =>
      c.auth.signUp({
        email: `su-${crypto.randomUUID()}@example.com`,
        password: "password-123",
        organizationName: "S",
      }),
  },
  "events.list": {
    requires: "viewer",
    target: "credential",
    filtersById: true,
    call: (c, v) => c.events.list({ credentialId: v.id }),
  },
  "events.recent": {
    requires: "viewer",
    target: "credential",
    filtersById: true,
    call: (c, v) => c.events.recent({ credentialId: v.id }),
  },
  "events.subscribe": {
    requires: "viewer",
    call: async (c) => {
      const stream = await c.events.subscribe({});
      await stream[Symbol.asyncIterator]().return?.();
    },
  },
  "members.acceptInvitation": {
    requires: "user",
    call: (c) => c.members.acceptInvitation({ token: "rpinv_unknown" }).catch(notFoundIsFine),
  },
  "members.invitations": { requires: "admin", call: (c) => c.members.invitations() },
  "members.invite": { requires: "admin", roles: ROLES, call: (c, v) => c.members.invite({ role: v.role }) },
  "members.list": { requires: "viewer", call: (c) => c.members.list() },
  "members.previewInvitation": {
    requires: "public",
    call: (c) => c.members.previewInvitation({ token: "rpinv_unknown" }).catch(notFoundIsFine),
  },
  "members.remove": { requires: "admin", target: "member", call: (c, v) => c.members.remove({ userId: v.id }) },
  "members.revokeInvitation": {
    requires: "admin",
    target: "invitation",
    call: (c, v) => c.members.revokeInvitation({ id: v.id }),
  },
  "members.setRole": {
    requires: "owner",
    target: "member",
    roles: ROLES,
    call: (c, v) => c.members.setRole({ userId: v.id, role: v.role }),
  },
  "messages.countsByCredential": { requires: "viewer", call: (c) => c.messages.countsByCredential() },
  "messages.purge": { requires: "admin", call: (c) => c.messages.purge() },
  "messages.source": { requires: "admin", target: "message", call: (c, v) => c.messages.source({ id: v.id }) },
  "messages.list": {
    requires: "viewer",
    target: "credential",
    filtersById: true,
    call: (c, v) => c.messages.list({ credentialId: v.id }),
  },
  "organizations.create": { requires: "user", call: (c) => c.organizations.create({ name: "Mine 2" }) },
  "organizations.current": { requires: "viewer", call: (c) => c.organizations.current() },
  "organizations.list": { requires: "user", call: (c) => c.organizations.list() },
  "organizations.rename": { requires: "owner", call: (c) => c.organizations.rename({ name: "Renamed" }) },
  "smtpCredentials.activate": {
    requires: "admin",
    target: "credential",
    call: (c, v) => c.smtpCredentials.activate({ id: v.id }),
  },
  "smtpCredentials.connectionSettings": {
    requires: "viewer",
    call: (c) => c.smtpCredentials.connectionSettings(),
  },
  "smtpCredentials.create": { requires: "admin", call: (c) => c.smtpCredentials.create({}) },
  "smtpCredentials.deactivate": {
    requires: "admin",
    target: "credential",
    call: (c, v) => c.smtpCredentials.deactivate({ id: v.id }),
  },
  "smtpCredentials.delete": {
    requires: "admin",
    target: "credential",
    call: (c, v) => c.smtpCredentials.delete({ id: v.id }),
  },
  "smtpCredentials.endPreviousPassword": {
    requires: "admin",
    target: "credential",
    call: (c, v) => c.smtpCredentials.endPreviousPassword({ id: v.id }),
  },
  "smtpCredentials.get": {
    requires: "viewer",
    target: "credential",
    call: (c, v) => c.smtpCredentials.get({ id: v.id }),
  },
  "smtpCredentials.list": { requires: "viewer", call: (c) => c.smtpCredentials.list() },
  "smtpCredentials.loginActivity": {
    requires: "viewer",
    target: "credential",
    call: (c, v) => c.smtpCredentials.loginActivity({ id: v.id }),
  },
  "smtpCredentials.regeneratePassword": {
    requires: "admin",
    target: "credential",
    call: (c, v) => c.smtpCredentials.regeneratePassword({ id: v.id }),
  },
  "smtpCredentials.setActive": {
    requires: "admin",
    target: "credential",
    call: (c, v) => c.smtpCredentials.setActive({ id: v.id, active: false }),
  },
  "smtpCredentials.update": {
    requires: "admin",
    target: "credential",
    call: (c, v) => c.smtpCredentials.update({ id: v.id, description: "changed" }),
  },
  "smtpLoginBlocks.lift": {
    requires: "admin",
    call: (c) => c.smtpLoginBlocks.lift({ address: "192.0.2.1" }),
  },
  "smtpLoginBlocks.list": { requires: "viewer", call: (c) => c.smtpLoginBlocks.list() },
  "upstream.clear": { requires: "owner", call: (c) => c.upstream.clear() },
  "upstream.get": { requires: "viewer", call: (c) => c.upstream.get() },
  "upstream.set": {
    requires: "owner",
    call: (c) =>
      c.upstream.set({ host: "127.0.0.1", port: 1, tls: "none", tlsVerify: true, username: "u", password: "p-1" }),
  },
  // Port 1 on loopback refuses at once: the answer is a failed check, not an authorization error.
  "upstream.test": { requires: "admin", call: (c) => c.upstream.test() },
  "webhooks.create": {
    requires: "admin",
    // Deleted again at once: an organization has a limited number of endpoints.
    call: async (c) => c.webhooks.delete({ id: (await c.webhooks.create({ url: PUBLIC_HOOK })).endpoint.id }),
  },
  "webhooks.delete": { requires: "admin", target: "webhook", call: (c, v) => c.webhooks.delete({ id: v.id }) },
  "webhooks.deliveries": {
    requires: "viewer",
    target: "webhook",
    filtersById: true,
    call: (c, v) => c.webhooks.deliveries({ endpointId: v.id }),
  },
  "webhooks.disable": { requires: "admin", target: "webhook", call: (c, v) => c.webhooks.disable({ id: v.id }) },
  "webhooks.enable": { requires: "admin", target: "webhook", call: (c, v) => c.webhooks.enable({ id: v.id }) },
  "webhooks.list": { requires: "viewer", call: (c) => c.webhooks.list() },
  "webhooks.rotateSecret": {
    requires: "admin",
    target: "webhook",
    call: (c, v) => c.webhooks.rotateSecret({ id: v.id }),
  },
  "webhooks.update": {
    requires: "admin",
    target: "webhook",
    call: (c, v) => c.webhooks.update({ id: v.id, description: "changed" }),
  },
};

/** A public address literal: registered without a DNS lookup; nothing is delivered in these tests. */
const PUBLIC_HOOK = "https://93.184.215.14/hooks";

/** A refused current password is the caller's own business, not an authorization answer. */
function wrongPasswordIsFine(error: unknown): null {
  if (error instanceof TRPCError && error.code === "BAD_REQUEST") return null;
  throw error;
}

/** An unknown invitation token is the caller's own business, not an authorization answer. */
function notFoundIsFine(error: unknown): null {
  if (error instanceof TRPCError && error.code === "NOT_FOUND") return null;
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
    const method = type === "mutation" ? "POST" : "GET";
    const body = (await trpcOverHttp(core, { path, input, method, headers })) as {
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

/** In process, over /trpc, and over /api/v1 for the procedures REST serves (each answer checked against OpenAPI). */
type Transport = "caller" | "http" | "rest";

type CallerKind = "owner" | "admin" | "viewer" | "apiKey:admin" | "apiKey:viewer" | "anonymous" | "outsider";
const CALLER_KINDS: CallerKind[] = [
  "owner",
  "admin",
  "viewer",
  "apiKey:admin",
  "apiKey:viewer",
  "anonymous",
  "outsider",
];
const RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };

/** Every role for a role-taking input, a member of every rank for a call that acts on one; one cell otherwise. */
function variantsOf(spec: Spec): Array<Omit<Variant, "id">> {
  const roles = spec.roles ? ROLES : (["viewer"] as const);
  const ranks = spec.target === "member" ? ROLES : (["viewer"] as const);
  return roles.flatMap((role) => ranks.map((rank) => ({ role, rank })));
}

function expectedCode(spec: Spec, kind: CallerKind, scope: "own" | "foreign", variant: Omit<Variant, "id">): string {
  if (spec.requires === "public") return "OK";
  if (kind === "anonymous") return "UNAUTHORIZED";
  const isKey = kind.startsWith("apiKey:");
  if (spec.requires === "user") return isKey ? "UNAUTHORIZED" : "OK";
  // Signed in but a member of no organization: whichever one it names is not found.
  if (kind === "outsider") return "NOT_FOUND";
  const role = (isKey ? kind.slice("apiKey:".length) : kind) as Role;
  // Another organization named outright (header) is not found; its ids inside one's own are not found either.
  if (scope === "foreign" && !spec.target) return "NOT_FOUND";
  if (RANK[role] < RANK[spec.requires]) return "FORBIDDEN";
  if (spec.roles && !spec.roles.includes(variant.role)) return "BAD_REQUEST";
  if (scope === "foreign") return spec.filtersById ? "OK" : "NOT_FOUND";
  // The ladder: no granting a role above one's own, no acting on a member who ranks above oneself.
  const granted = spec.roles ? RANK[variant.role] : -1;
  const actedOn = spec.target === "member" ? RANK[variant.rank] : -1;
  return Math.max(granted, actedOn) > RANK[role] ? "FORBIDDEN" : "OK";
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

/** Ids of another organization's data: a member of every rank, and one of everything else. */
interface ForeignIds {
  credential: string;
  message: string;
  apiKey: string;
  invitation: string;
  webhook: string;
  member: Record<Role, string>;
}

describe("authorization matrix: every procedure × caller × own or foreign ids × every role and rank", () => {
  let h: ApiHarness;
  let mine: TestOrganization;
  let theirs: TestOrganization;
  let members: { admin: string; viewer: string; outsider: string };
  let foreign: ForeignIds;
  let foreignSnapshot: string;

  /** The owner on a session of its own: calls that end the caller's sessions end none a later call needs. */
  async function asOwner(org: TestOrganization): Promise<Caller> {
    return h.asSession((await h.core.sessions.create(org.owner.id)).token, org.id);
  }

  /** A fresh target in `org` for one call, so a call that deletes or revokes spoils nothing for the next. */
  async function targetIn(org: TestOrganization, kind: TargetKind, rank: Role): Promise<string> {
    const owner = await asOwner(org);
    switch (kind) {
      case "credential":
        return (await owner.smtpCredentials.create({})).credential.id;
      case "apiKey":
        return (await h.createApiKey(org.id, "viewer")).apiKey.id;
      case "member":
        return (await h.addMember(org.id, rank)).id;
      case "invitation":
        return (await owner.members.invite({ role: "viewer" })).invitation.id;
      case "webhook": {
        // An organization has at most MAX_ENDPOINTS_PER_ORGANIZATION: the ones calls are done with make room.
        const scope = { organizationId: org.id, actor: systemActor("test") };
        const existing = await h.core.webhooks.list(org.id);
        for (const old of existing.slice(0, Math.max(0, existing.length - 10)))
          await h.core.webhooks.delete(scope, old.id);
        return (await owner.webhooks.create({ url: PUBLIC_HOOK })).endpoint.id;
      }
      case "message": {
        // Messages arrive over SMTP, not through this API: one is written as intake would.
        const [row] = await h.database.db
          .insert(schema.smtpMessages)
          .values({
            organizationId: org.id,
            mailFrom: "a@example.com",
            rcptTo: ["b@example.org"],
            size: 1,
            raw: Buffer.from("x"),
          })
          .returning({ id: schema.smtpMessages.id });
        return row?.id ?? "";
      }
    }
  }

  async function foreignIdsIn(org: TestOrganization): Promise<ForeignIds> {
    const member = async (rank: Role) => targetIn(org, "member", rank);
    return {
      credential: await targetIn(org, "credential", "viewer"),
      message: await targetIn(org, "message", "viewer"),
      apiKey: await targetIn(org, "apiKey", "viewer"),
      invitation: await targetIn(org, "invitation", "viewer"),
      webhook: await targetIn(org, "webhook", "viewer"),
      member: { owner: await member("owner"), admin: await member("admin"), viewer: await member("viewer") },
    };
  }

  const foreignIdOf = (kind: TargetKind, rank: Role) => (kind === "member" ? foreign.member[rank] : foreign[kind]);

  /** A new caller of `kind` in `mine`, asking to act in `organizationId` when it is not its own. */
  async function callerOf(kind: CallerKind, organizationId: string, transport: Transport): Promise<Caller> {
    const headers: Record<string, string> = organizationId === mine.id ? {} : { [ORGANIZATION_HEADER]: organizationId };
    if (kind.startsWith("apiKey:")) {
      const { token } = await h.createApiKey(mine.id, kind === "apiKey:admin" ? "admin" : "viewer");
      headers.authorization = `Bearer ${token}`;
    } else if (kind !== "anonymous") {
      const userId = kind === "owner" ? mine.owner.id : members[kind as "admin" | "viewer" | "outsider"];
      const { token } = await h.core.sessions.create(userId);
      // A second session of the same user: a call that ends one of the caller's other sessions always finds one,
      // whichever test signed the user out everywhere before.
      await h.core.sessions.create(userId);
      Object.assign(headers, {
        cookie: `${SESSION_COOKIE}=${token}`,
        [CSRF_HEADER]: "1",
        [ORGANIZATION_HEADER]: organizationId,
      });
    }
    if (transport === "rest") return restCaller(h.core, headers);
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
      await owner.messages.list({ limit: 100 }),
      await owner.upstream.get(),
    ]);
  }

  beforeAll(async () => {
    h = await createApiHarness();
    mine = await h.createOrganization("Mine");
    theirs = await h.createOrganization("Theirs");
    const outsider = await h.core.users.create(SIGN_IN_ACCOUNT);
    members = {
      admin: (await h.addMember(mine.id, "admin")).id,
      viewer: (await h.addMember(mine.id, "viewer")).id,
      outsider: outsider.id,
    };
    foreign = await foreignIdsIn(theirs);
    foreignSnapshot = await snapshot(theirs);
  });
  afterAll(() => h.destroy());

  it("has a rule for every procedure of the router", () => {
    expect(Object.keys(SPECS).sort()).toEqual(procedurePaths());
  });

  it("tries every role value on every input that takes a role, and every rank on every call acting on a member", () => {
    const taking = (key: string) => procedurePaths().filter((path) => inputKeys(path).includes(key));
    const specsWith = (has: (spec: Spec) => boolean) =>
      Object.keys(SPECS)
        .filter((path) => has(SPECS[path] as Spec))
        .sort();
    expect(taking("role")).toEqual(specsWith((spec) => spec.roles !== undefined));
    expect(taking("userId")).toEqual(specsWith((spec) => spec.target === "member"));
    for (const path of taking("role"))
      expect(variantsOf(SPECS[path] as Spec).map((v) => v.role)).toEqual(expect.arrayContaining([...ROLES]));
  });

  const cases = Object.keys(SPECS)
    .sort()
    .flatMap((path) => (["caller", "http", "rest"] as const).map((transport) => [path, transport] as const))
    // Subscriptions over HTTP are not served; their WebSocket side is in apps/server/src/http/security.test.ts.
    .filter(([path, transport]) => transport === "caller" || procedureTypes[path]?._def.type !== "subscription")
    .filter(([path, transport]) => transport !== "rest" || restRouteOf(path) !== undefined);
  for (const [path, transport] of cases) {
    const spec = SPECS[path] as Spec;
    it(`${path} (${transport}): each caller gets exactly what its role allows, and nothing of another organization`, async () => {
      type Cell = { kind: CallerKind; scope: string; role?: Role; rank?: Role; code: string };
      const cells: Cell[] = [];
      const expected: Cell[] = [];
      for (const variant of variantsOf(spec)) {
        const shown = {
          ...(spec.roles ? { role: variant.role } : {}),
          ...(spec.target === "member" ? { rank: variant.rank } : {}),
        };
        for (const kind of CALLER_KINDS) {
          for (const scope of ["own", "foreign"] as const) {
            const id = !spec.target
              ? ""
              : scope === "own"
                ? await targetIn(mine, spec.target, variant.rank)
                : foreignIdOf(spec.target, variant.rank);
            // A foreign id is tried from inside one's own organization; a foreign organization is named by header.
            const caller = await callerOf(kind, scope === "foreign" && !spec.target ? theirs.id : mine.id, transport);
            let output = "";
            const code = await codeOf(
              spec.call(caller, { ...variant, id }).then((result) => {
                output = JSON.stringify(result) ?? "";
              }),
            );
            cells.push({ kind, scope, ...shown, code });
            expected.push({ kind, scope, ...shown, code: expectedCode(spec, kind, scope, variant) });
            const foreignIds = [
              foreign.credential,
              foreign.apiKey,
              foreign.invitation,
              ...Object.values(foreign.member),
            ];
            for (const foreignId of [...foreignIds, theirs.id]) expect(output).not.toContain(foreignId);
          }
        }
      }
      expect(cells).toEqual(expected);
      expect(await snapshot(theirs)).toBe(foreignSnapshot);
    });
  }
});
