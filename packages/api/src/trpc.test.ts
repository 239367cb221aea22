import { CSRF_HEADER, IDEMPOTENCY_KEY_HEADER, ORGANIZATION_HEADER, SESSION_COOKIE } from "@relaypost/contract";
import { type Core, operatorScope } from "@relaypost/core";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiHarness,
  type Caller,
  createApiHarness,
  failure,
  occupyHasher,
  type TestOrganization,
  trpcOverHttp,
} from "./testing";

/** The code and message a refused in-process call fails with. */
async function refusal(call: Promise<unknown>): Promise<string> {
  const { code, message } = await failure(call);
  return `${code}: ${message}`;
}

/** What a client reads from a failed call over /trpc: the error's message and `data`, as the formatter shaped them. */
interface HttpError {
  message: string;
  data: { code: string; httpStatus: number; path: string; fieldErrors?: Record<string, string[]> };
}

/** One call over HTTP that must fail: the error as the client reads it. */
async function httpFailure(
  core: Core,
  path: string,
  input: unknown,
  headers: Record<string, string>,
  method: "GET" | "POST",
): Promise<HttpError> {
  const body = (await trpcOverHttp(core, { path, input, method, headers })) as {
    error?: Parameters<typeof superjson.deserialize>[0];
  };
  if (!body.error) throw new Error(`expected ${path} to fail over HTTP`);
  return superjson.deserialize<HttpError>(body.error);
}

/** Objects nested `depth` deep around `leaf`: { a: { a: … leaf } }. */
function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

describe("procedures' refusals, as a client reads them", () => {
  let h: ApiHarness;
  let org: TestOrganization;
  let owner: Caller;
  let sessionHeaders: Record<string, string>;

  beforeAll(async () => {
    h = await createApiHarness();
    org = await h.createOrganization();
    owner = await h.asSession(org.owner.sessionToken, org.id);
    sessionHeaders = {
      cookie: `${SESSION_COOKIE}=${org.owner.sessionToken}`,
      [CSRF_HEADER]: "1",
      [ORGANIZATION_HEADER]: org.id,
    };
  });
  afterAll(() => h.destroy());

  it("tells an anonymous caller to sign in, and a bearer token that resolves to nobody that the key is bad", async () => {
    expect(await refusal((await h.anonymous()).organizations.current())).toBe("UNAUTHORIZED: Sign in first");
    expect(await refusal((await h.asApiKey("rpkey_forged")).organizations.current())).toBe(
      "UNAUTHORIZED: The API key is invalid or revoked",
    );
  });

  it("tells an API key that a procedure needs a signed-in user", async () => {
    const key = await h.asApiKey((await h.createApiKey(org.id)).token);
    expect(await refusal(key.organizations.list())).toBe("UNAUTHORIZED: This needs a signed-in user");
    expect(await refusal((await h.anonymous()).organizations.list())).toBe("UNAUTHORIZED: This needs a signed-in user");
  });

  it("names the role a procedure needs", async () => {
    const viewer = await h.asSession((await h.addMember(org.id, "viewer")).sessionToken, org.id);
    expect(await refusal(viewer.smtpCredentials.create({}))).toBe("FORBIDDEN: This needs the admin role");
    const admin = await h.asSession((await h.addMember(org.id, "admin")).sessionToken, org.id);
    expect(await refusal(admin.organizations.rename({ name: "Taken over" }))).toBe(
      "FORBIDDEN: This needs the owner role",
    );
  });

  it("refuses a cookie-authenticated mutation without the CSRF header, naming the header", async () => {
    const { [CSRF_HEADER]: _, ...withoutCsrf } = sessionHeaders;
    const caller = await h.callerFor(withoutCsrf);
    expect(await refusal(caller.smtpCredentials.create({}))).toBe(`FORBIDDEN: Missing ${CSRF_HEADER} header`);
  });

  describe("the organization a call acts in", () => {
    it("is the only one of a session's user without asking; with two, the session must choose", async () => {
      const solo = await h.createOrganization();
      const unasked = await h.callerFor({ cookie: `${SESSION_COOKIE}=${solo.owner.sessionToken}` });
      expect((await unasked.organizations.current()).id).toBe(solo.id);

      const member = await h.addMember(solo.id, "viewer");
      const second = await h.createOrganization();
      const { token: link } = await h.core.invitations.create(operatorScope(second.id, "test"), "viewer");
      await h.core.invitations.accept({ type: "user", id: member.id, label: member.email, remoteAddress: null }, link);
      const twoOrganizations = await h.callerFor({ cookie: `${SESSION_COOKIE}=${member.sessionToken}` });
      expect(await refusal(twoOrganizations.organizations.current())).toBe("BAD_REQUEST: Choose an organization");
      const chosen = await h.callerFor({
        cookie: `${SESSION_COOKIE}=${member.sessionToken}`,
        [ORGANIZATION_HEADER]: second.id,
      });
      expect((await chosen.organizations.current()).id).toBe(second.id);
    });

    it("is not found when a session names an organization it is not a member of", async () => {
      const caller = await h.callerFor({
        cookie: `${SESSION_COOKIE}=${org.owner.sessionToken}`,
        [ORGANIZATION_HEADER]: (await h.createOrganization()).id,
      });
      expect(await refusal(caller.organizations.current())).toBe("NOT_FOUND: Organization not found");
    });

    it("is an API key's own, which it may name; another one it names is not found", async () => {
      const { token } = await h.createApiKey(org.id);
      const naming = (organizationId: string) =>
        h.callerFor({ authorization: `Bearer ${token}`, [ORGANIZATION_HEADER]: organizationId });
      expect((await (await naming(org.id)).organizations.current()).id).toBe(org.id);
      const other = await h.createOrganization();
      expect(await refusal((await naming(other.id)).organizations.current())).toBe("NOT_FOUND: Organization not found");
    });
  });

  describe("text no column can hold", () => {
    const UNSTORABLE = "BAD_REQUEST: Text must not contain NUL or unpaired surrogate characters";

    it("is refused, whichever field carries it", async () => {
      expect(await refusal(owner.smtpCredentials.create({ description: "nul\0inside" }))).toBe(UNSTORABLE);
      expect(await refusal(owner.smtpCredentials.create({ description: "half \ud800 a pair" }))).toBe(UNSTORABLE);
    });

    it("is looked for nine objects deep, and no deeper", async () => {
      // auth.me takes no input: what it is sent reaches only this check, which walks objects down to depth 8.
      const me = (await h.anonymous()).auth.me as unknown as (input: unknown) => Promise<unknown>;
      expect(await refusal(me(nested(9, "\0")))).toBe(UNSTORABLE);
      expect(await refusal(me([nested(7, ["\0"])]))).toBe(UNSTORABLE);
      expect(await me(nested(10, "\0"))).toBeNull();
      expect(await me(nested(9, { fine: "text" }))).toBeNull();
    });
  });

  describe("the Idempotency-Key header of a create", () => {
    const withKey = (key: string) => h.callerFor({ ...sessionHeaders, [IDEMPOTENCY_KEY_HEADER]: key });

    it("makes a repeated create answer the first one's result", async () => {
      const key = crypto.randomUUID();
      const first = await (await withKey(key)).members.invite({ role: "viewer" });
      const again = await (await withKey(key)).members.invite({ role: "viewer" });
      expect(again.invitation.id).toBe(first.invitation.id);
    });

    it("without one, every create is a new one", async () => {
      const first = await owner.members.invite({ role: "viewer" });
      const second = await owner.members.invite({ role: "viewer" });
      expect(second.invitation.id).not.toBe(first.invitation.id);
    });

    it("is refused with every reason, when malformed, and nothing is created", async () => {
      const before = (await owner.members.invitations()).length;
      expect(await refusal((await withKey("")).members.invite({ role: "viewer" }))).toBe(
        "BAD_REQUEST: The Idempotency-Key header must not be empty; The Idempotency-Key header must be printable ASCII",
      );
      expect(await refusal((await withKey("k".repeat(256))).members.invite({ role: "viewer" }))).toBe(
        "BAD_REQUEST: The Idempotency-Key header must be at most 255 characters",
      );
      expect((await owner.members.invitations()).length).toBe(before);
    });
  });

  it("answers busy, not a fault, while the account argon2 queue is full", async () => {
    const release = occupyHasher(h.hasher);
    try {
      expect(await refusal(owner.smtpCredentials.create({}))).toBe(
        "TOO_MANY_REQUESTS: The server is busy; try again shortly",
      );
    } finally {
      await release();
    }
    expect((await owner.smtpCredentials.create({})).credential.active).toBe(true);
  });

  describe("over HTTP", () => {
    it("carries a domain refusal's field in data.fieldErrors, and its message as it is", async () => {
      await owner.smtpCredentials.create({ username: "taken_name" });
      const error = await httpFailure(
        h.core,
        "smtpCredentials.create",
        { username: "taken_name" },
        sessionHeaders,
        "POST",
      );
      expect(error.message).toBe('The username "taken_name" is already taken');
      expect(error.data).toMatchObject({
        code: "CONFLICT",
        httpStatus: 409,
        path: "smtpCredentials.create",
        fieldErrors: { username: ['The username "taken_name" is already taken'] },
      });
    });

    it("tells refused input as a sentence, with the fields apart", async () => {
      const error = await httpFailure(h.core, "smtpCredentials.create", { usernme: "typo" }, sessionHeaders, "POST");
      expect(error.message).toBe("Invalid input: usernme: Unknown field");
      expect(error.data).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { usernme: ["Unknown field"] } });
    });

    it("passes other refusals' messages on, with no field errors", async () => {
      const error = await httpFailure(h.core, "organizations.current", undefined, {}, "GET");
      expect(error.message).toBe("Sign in first");
      expect(error.data.code).toBe("UNAUTHORIZED");
      expect(error.data.fieldErrors).toBeUndefined();
    });

    it("hides a server fault's details behind 'Internal server error'", async () => {
      // A fault the server cannot help: its database is gone while a call looks up the caller's key.
      const broken = await createApiHarness();
      const { token } = await broken.createApiKey((await broken.createOrganization()).id);
      await broken.destroy();
      const error = await httpFailure(
        broken.core,
        "organizations.current",
        undefined,
        { authorization: `Bearer ${token}` },
        "GET",
      );
      expect(error.data.code).toBe("INTERNAL_SERVER_ERROR");
      expect(error.message).toBe("Internal server error");
    });
  });
});
