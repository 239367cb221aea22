import { CSRF_HEADER, ORGANIZATION_HEADER, SESSION_COOKIE } from "@relaypost/contract";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorOf, readCookie } from "./context";
import { type ApiHarness, createApiHarness, type TestOrganization } from "./testing";

describe("reading the session cookie", () => {
  const read = (cookie: string) => readCookie(new Headers({ cookie }), SESSION_COOKIE);

  it("finds it among other cookies, whatever the spaces around them, and keeps an '=' in its value", () => {
    expect(read(`theme=dark;   ${SESSION_COOKIE}=abc ;lang=en`)).toBe("abc");
    expect(read(`theme=dark;${SESSION_COOKIE}=a=b%3D`)).toBe("a=b=");
    expect(read("theme=dark; lang=en")).toBeUndefined();
    expect(readCookie(new Headers(), SESSION_COOKIE)).toBeUndefined();
  });

  it("reads the first cookie of the name; one that is not valid percent-encoding reads as absent", () => {
    expect(read(`${SESSION_COOKIE}=first; ${SESSION_COOKIE}=second`)).toBe("first");
    expect(read(`${SESSION_COOKIE}=%E0%A4%A; ${SESSION_COOKIE}=second`)).toBeUndefined();
  });
});

describe("who a request is", () => {
  let h: ApiHarness;
  let org: TestOrganization;
  let key: Awaited<ReturnType<ApiHarness["createApiKey"]>>;

  beforeAll(async () => {
    h = await createApiHarness();
    org = await h.createOrganization();
    key = await h.createApiKey(org.id);
  });
  afterAll(() => h.destroy());

  const userOf = async (headers: Record<string, string>) => (await (await h.callerFor(headers)).auth.me())?.user.id;

  it("is the session of its cookie, among other cookies with spaces", async () => {
    expect(await userOf({ cookie: `theme=dark;  ${SESSION_COOKIE}=${org.owner.sessionToken} ; lang=en` })).toBe(
      org.owner.id,
    );
    // A cookie of another name is not the session, and a malformed session cookie is no session, not the next one.
    expect(await userOf({ cookie: `theme=${org.owner.sessionToken}` })).toBeUndefined();
    expect(
      await userOf({ cookie: `${SESSION_COOKIE}=%E0%A4%A; ${SESSION_COOKIE}=${org.owner.sessionToken}` }),
    ).toBeUndefined();
  });

  /** The organization an authorization header alone acts in, or the refusal's code and message. */
  async function withAuthorization(authorization: string): Promise<string> {
    const call = (await h.callerFor({ authorization })).organizations.current();
    return call.then(
      (organization) => String(organization.id),
      (error: unknown) => (error instanceof TRPCError ? `${error.code}: ${error.message}` : Promise.reject(error)),
    );
  }

  it("is the API key of a bearer token, however many spaces and whatever the case of 'Bearer'", async () => {
    expect(await withAuthorization(`Bearer ${key.token}`)).toBe(org.id);
    expect(await withAuthorization(`Bearer    ${key.token}`)).toBe(org.id);
    expect(await withAuthorization(`bearer\t${key.token}`)).toBe(org.id);
  });

  it("is nobody for an authorization header that is not exactly 'Bearer <token>'", async () => {
    for (const authorization of [
      `Bearer ${key.token} extra`,
      `Token Bearer ${key.token}`,
      `XBearer ${key.token}`,
      `Bearer${key.token}`,
      `Basic ${key.token}`,
    ]) {
      expect({ authorization, answer: await withAuthorization(authorization) }).toEqual({
        authorization,
        answer: "UNAUTHORIZED: Sign in first",
      });
    }
  });

  it("is recorded in the audit log as the member's email or the API key's name, with the address it came from", async () => {
    const byKey = await h.callerFor({ authorization: `Bearer ${key.token}` }, "198.51.100.4");
    const { credential } = await byKey.smtpCredentials.create({ username: "by_key" });
    const bySession = await h.callerFor(
      { cookie: `${SESSION_COOKIE}=${org.owner.sessionToken}`, [CSRF_HEADER]: "1", [ORGANIZATION_HEADER]: org.id },
      "198.51.100.5",
    );
    await bySession.smtpCredentials.update({ id: credential.id, description: "changed" });
    const entries = (await bySession.auditLog.list({ target: "by_key" })).items.map((entry) => ({
      action: entry.action,
      actorType: entry.actorType,
      actorLabel: entry.actorLabel,
      remoteAddress: entry.remoteAddress,
    }));
    expect(entries).toEqual([
      {
        action: "credential.updated",
        actorType: "user",
        actorLabel: org.owner.email,
        remoteAddress: "198.51.100.5",
      },
      {
        action: "credential.created",
        actorType: "api_key",
        actorLabel: `API key "${key.apiKey.name}"`,
        remoteAddress: "198.51.100.4",
      },
    ]);
    const byActor = await bySession.auditLog.list({ actor: `api_key:${key.apiKey.id}` });
    expect(byActor.items.map((entry) => entry.action)).toEqual(["credential.created"]);
  });
});

describe("the actor of a principal", () => {
  it("is the system, labelled anonymous, for a caller without credentials", () => {
    expect(actorOf({ kind: "anonymous" }, "192.0.2.8")).toEqual({
      type: "system",
      id: null,
      label: "anonymous",
      remoteAddress: "192.0.2.8",
    });
  });
});
