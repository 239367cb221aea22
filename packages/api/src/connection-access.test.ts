import { ORGANIZATION_HEADER, SESSION_COOKIE } from "@relaypost/contract";
import { type AccessRevocation, operatorScope, systemActor } from "@relaypost/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConnectionAccess, openConnectionAccess } from "./connection-access";
import type { RequestInfo } from "./context";
import { appRouter } from "./root";
import { type ApiHarness, createApiHarness, failure, type TestOrganization } from "./testing";
import { createCallerFactory } from "./trpc";

const createCaller = createCallerFactory(appRouter);

/**
 * A live connection (a WebSocket) as apps/server opens one: the request it arrived with, resolved again on every call,
 * and the claims and revocations the transport checks it against.
 */
describe("a connection's access", () => {
  let h: ApiHarness;
  let org: TestOrganization;

  beforeAll(async () => {
    h = await createApiHarness();
    org = await h.createOrganization();
  });
  afterAll(() => h.destroy());

  const requestWith = (headers: Record<string, string>): RequestInfo => ({
    headers: new Headers(headers),
    remoteAddress: "203.0.113.9",
  });
  const cookie = (token: string) => ({ cookie: `${SESSION_COOKIE}=${token}` });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /** A connection on `request`, and how many times it told the transport its access lapsed. */
  async function open(request: RequestInfo) {
    const lapses: string[] = [];
    const access = await openConnectionAccess(h.core, request, () => lapses.push("lapsed"));
    return { access, lapses, caller: createCaller(access.context) };
  }

  async function sessionOf(token: string) {
    const session = await h.core.sessions.resolve(token);
    if (!session) throw new Error("no session");
    return session;
  }

  const revoked = (access: ConnectionAccess, revocations: AccessRevocation[]) =>
    revocations.map((revocation) => access.isRevokedBy(revocation));

  describe("opened with a session", () => {
    it("keeps serving the same session, and refuses every call once it is signed out, telling the transport", async () => {
      const member = await h.addMember(org.id, "admin");
      const { access, lapses, caller } = await open(requestWith(cookie(member.sessionToken)));
      expect(access.context.requestedOrganizationId).toBeNull();
      expect(access.context.idempotencyKeyHeader).toBeNull();
      expect((await caller.auth.me())?.user.id).toBe(member.id);
      expect((await caller.organizations.current()).id).toBe(org.id);
      expect(lapses).toEqual([]);

      await h.core.sessions.revoke(member.sessionToken);
      const refused = await failure(caller.auth.me());
      expect([refused.code, refused.message]).toEqual(["UNAUTHORIZED", "Access was revoked; sign in again"]);
      expect(lapses).toEqual(["lapsed"]);
    });

    it("refuses a call whose request now carries another session, even of the same user", async () => {
      const member = await h.addMember(org.id, "viewer");
      const request = requestWith(cookie(member.sessionToken));
      const { lapses, caller } = await open(request);
      expect((await caller.auth.me())?.user.id).toBe(member.id);
      const { token } = await h.core.sessions.create(member.id);
      request.headers.set("cookie", `${SESSION_COOKIE}=${token}`);
      const refused = await failure(caller.auth.me());
      expect([refused.code, refused.message]).toEqual(["UNAUTHORIZED", "Access was revoked; sign in again"]);
      expect(lapses).toEqual(["lapsed"]);
    });

    it("claims its session, and each organization's role its calls acted with", async () => {
      const member = await h.addMember(org.id, "admin");
      const { access, caller } = await open(requestWith(cookie(member.sessionToken)));
      const { sessionId } = await sessionOf(member.sessionToken);
      expect(access.claims()).toEqual([{ kind: "session", sessionId }]);

      await caller.smtpCredentials.list();
      expect(access.claims()).toEqual([
        { kind: "session", sessionId },
        { kind: "member", organizationId: org.id, userId: member.id, role: "admin" },
      ]);

      // The owner demotes the member: the connection's next call acts, and claims, with the new role.
      await h.core.members.setRole(operatorScope(org.id, "test"), member.id, "viewer");
      await caller.smtpCredentials.list();
      // A second organization the user acts in, as the transport's context is told of it.
      const other = await h.createOrganization();
      access.context.actingAs?.(other.id, "owner");
      expect(access.claims()).toEqual([
        { kind: "session", sessionId },
        { kind: "member", organizationId: org.id, userId: member.id, role: "viewer" },
        { kind: "member", organizationId: other.id, userId: member.id, role: "owner" },
      ]);
    });

    it("is revoked by its own session's end and by its user leaving an organization it acted in, nothing else", async () => {
      const member = await h.addMember(org.id, "viewer");
      const colleague = await h.addMember(org.id, "viewer");
      const other = await h.createOrganization();
      const { access, caller } = await open(requestWith(cookie(member.sessionToken)));
      await caller.smtpCredentials.list();
      const { sessionId } = await sessionOf(member.sessionToken);
      const { apiKey } = await h.createApiKey(org.id);

      expect(
        revoked(access, [
          { kind: "session", sessionId },
          { kind: "member", organizationId: org.id, userId: member.id },
        ]),
      ).toEqual([true, true]);
      expect(
        revoked(access, [
          { kind: "credential", credentialId: crypto.randomUUID() },
          { kind: "session", sessionId: (await sessionOf(colleague.sessionToken)).sessionId },
          { kind: "apiKey", apiKeyId: apiKey.id },
          // Another member of the organization it acts in; the same user in an organization it never acted in.
          { kind: "member", organizationId: org.id, userId: colleague.id },
          { kind: "member", organizationId: other.id, userId: member.id },
        ]),
      ).toEqual([false, false, false, false, false]);
    });
  });

  describe("opened with an API key", () => {
    it("keeps serving the same key, and refuses every call once it is revoked, telling the transport", async () => {
      const { apiKey, token } = await h.createApiKey(org.id, "viewer");
      const { access, lapses, caller } = await open(requestWith({ ...bearer(token), [ORGANIZATION_HEADER]: org.id }));
      expect(access.context.requestedOrganizationId).toBe(org.id);
      expect((await caller.organizations.current()).id).toBe(org.id);
      expect((await caller.smtpCredentials.list()).items).toEqual([]);
      expect(lapses).toEqual([]);

      await h.core.apiKeys.revoke(org.id, systemActor("test"), apiKey.id);
      const refused = await failure(caller.smtpCredentials.list());
      expect([refused.code, refused.message]).toEqual(["UNAUTHORIZED", "Access was revoked; sign in again"]);
      expect(lapses).toEqual(["lapsed"]);
    });

    it("refuses a call whose request now carries another key of the same organization", async () => {
      const request = requestWith(bearer((await h.createApiKey(org.id)).token));
      const { lapses, caller } = await open(request);
      expect((await caller.organizations.current()).id).toBe(org.id);
      request.headers.set("authorization", `Bearer ${(await h.createApiKey(org.id)).token}`);
      const refused = await failure(caller.organizations.current());
      expect([refused.code, refused.message]).toEqual(["UNAUTHORIZED", "Access was revoked; sign in again"]);
      expect(lapses).toEqual(["lapsed"]);
    });

    it("claims its key alone, and is revoked only by that key's revocation", async () => {
      const { apiKey, token } = await h.createApiKey(org.id);
      const { access, caller } = await open(requestWith(bearer(token)));
      await caller.smtpCredentials.list();
      expect(access.claims()).toEqual([{ kind: "apiKey", apiKeyId: apiKey.id }]);

      const { sessionId } = await sessionOf(org.owner.sessionToken);
      expect(
        revoked(access, [
          { kind: "apiKey", apiKeyId: apiKey.id },
          { kind: "apiKey", apiKeyId: (await h.createApiKey(org.id)).apiKey.id },
          { kind: "credential", credentialId: crypto.randomUUID() },
          { kind: "session", sessionId },
          { kind: "member", organizationId: org.id, userId: org.owner.id },
        ]),
      ).toEqual([true, false, false, false, false]);
    });
  });

  describe("opened anonymously", () => {
    it("stays anonymous: it claims nothing, no revocation ends it, and a credential added later does not count", async () => {
      const request = requestWith({});
      const { access, lapses, caller } = await open(request);
      expect(await caller.auth.me()).toBeNull();
      expect(access.claims()).toEqual([]);

      const { sessionId } = await sessionOf(org.owner.sessionToken);
      const { apiKey } = await h.createApiKey(org.id);
      expect(
        revoked(access, [
          { kind: "credential", credentialId: crypto.randomUUID() },
          { kind: "session", sessionId },
          { kind: "apiKey", apiKeyId: apiKey.id },
          { kind: "member", organizationId: org.id, userId: org.owner.id },
        ]),
      ).toEqual([false, false, false, false]);

      // The party was settled when the connection opened: a session cookie on its request now changes nothing.
      request.headers.set("cookie", `${SESSION_COOKIE}=${org.owner.sessionToken}`);
      expect(await caller.auth.me()).toBeNull();
      const refused = await failure(caller.organizations.current());
      expect([refused.code, refused.message]).toEqual(["UNAUTHORIZED", "Sign in first"]);
      expect(lapses).toEqual([]);
      expect(access.claims()).toEqual([]);
    });

    it("is anonymous too when its bearer token resolves to no key", async () => {
      const { access, caller } = await open(requestWith(bearer("rpkey_unknown")));
      const refused = await failure(caller.organizations.current());
      expect([refused.code, refused.message]).toEqual(["UNAUTHORIZED", "The API key is invalid or revoked"]);
      expect(access.claims()).toEqual([]);
    });
  });
});
