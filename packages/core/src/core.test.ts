import { randomBytes } from "node:crypto";
import { LOGIN_ACTIVITY_DAYS } from "@relaypost/contract";
import { schema } from "@relaypost/db";
import { createTestDatabase, freePort, type TestDatabase } from "@relaypost/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, systemActor } from "./actor";
import { type CoreOptions, createCore } from "./core";
import { createPasswordHasher } from "./hashing";
import { IDEMPOTENCY_WINDOW_MS } from "./idempotency/idempotency";
import type { RoleScope } from "./identity/roles";
import { MISSING_KEY_MESSAGE } from "./relay/organization-upstream";
import { Upstream } from "./relay/upstream";
import { Keyring } from "./secret-box";
import type { Core } from "./services";
import { createSmtpVerifier } from "./smtp-auth/verifier";
import { createMessageIntake } from "./smtp-submission/message-intake";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

const keyring = new Keyring(randomBytes(32));
const PASSWORD = "tour-password-1";
let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${randomBytes(3).toString("hex")}`;

/** The core as a transport builds it, made inside the test so that the test runs its wiring. */
const coreOn = (options: Omit<CoreOptions, "db"> = {}) => createCore({ db: database.db, ...options });

const userActor = (user: { id: string; email: string }): Actor & { type: "user"; id: string } => ({
  type: "user",
  id: user.id,
  label: user.email,
  remoteAddress: null,
});

/** A new organization with a new owner, and the owner's scope in it. */
async function ownedOrganization(core: Core) {
  const email = `${unique("owner")}@core.test`;
  const { organization, owner } = await core.organizations.create({
    name: unique("Tour"),
    owner: { email, password: PASSWORD },
  });
  const scope: RoleScope = { organizationId: organization.id, actor: userActor(owner), role: "owner" };
  return { organization, owner, scope };
}

/** Stores a message sent with the credential, queued for delivery when `relaying`. */
async function storeMessage(credential: { username: string; password: string }, relaying: boolean) {
  const verifier = createSmtpVerifier({ db: database.db, hasher: createPasswordHasher() });
  const verified = await verifier.verify(credential);
  if (!verified.ok) throw new Error("login failed");
  const result = await createMessageIntake(database.db, { relaying }).accept({
    grant: verified.grant,
    mailFrom: "app@example.com",
    rcptTo: ["to@example.org"],
    body: [Buffer.from(`Subject: ${relaying ? "queued" : "stored"}\r\n\r\nhello\r\n`)],
    maxBytes: 1024 * 1024,
    remoteAddress: "192.0.2.1",
  });
  if (!result.accepted) throw new Error("refused");
  return result.messageId;
}

const idempotencyRows = (organizationId: string) =>
  database.db
    .select({ operation: schema.idempotencyKeys.operation })
    .from(schema.idempotencyKeys)
    .where(eq(schema.idempotencyKeys.organizationId, organizationId));

describe("the core built by createCore reaches every use case", () => {
  it("answers a ping while the database answers, and refuses one once it is gone", async () => {
    const own = await createTestDatabase();
    const core = createCore({ db: own.db });
    await expect(core.ping()).resolves.toBeUndefined();
    await own.destroy();
    await expect(core.ping()).rejects.toThrow();
  });

  it("manages SMTP credentials through their whole life, on the core's clock", async () => {
    const NOW = new Date("2030-06-01T12:00:00.000Z");
    const core = coreOn({ now: () => NOW });
    const { organization, scope } = await ownedOrganization(core);
    const orgId = organization.id;
    const { credential, password } = await core.smtpCredentials.create(scope, { description: "tour" });
    expect(credential).toMatchObject({ description: "tour", active: true });
    expect(password.length).toBeGreaterThan(20);

    expect(await core.smtpCredentials.get(orgId, credential.id)).toMatchObject({ id: credential.id });
    expect((await core.smtpCredentials.list(orgId, { limit: 10 })).items.map((c) => c.id)).toEqual([credential.id]);
    expect(await core.smtpCredentials.update(scope, credential.id, { description: "renamed" })).toMatchObject({
      id: credential.id,
      description: "renamed",
    });

    const rotated = await core.smtpCredentials.regeneratePassword(scope, credential.id, { keepPreviousForSeconds: 60 });
    expect(rotated.password).not.toBe(password);
    expect(rotated.credential.previousPasswordExpiresAt).toBeInstanceOf(Date);
    const ended = await core.smtpCredentials.endPreviousPassword(scope, credential.id);
    expect(ended).toMatchObject({ id: credential.id, previousPasswordExpiresAt: null });
    expect(await core.smtpCredentials.setActive(scope, credential.id, false)).toMatchObject({ active: false });

    const { days } = await core.smtpCredentials.loginActivity(orgId, credential.id);
    expect(days).toHaveLength(LOGIN_ACTIVITY_DAYS);
    expect(days.at(-1)).toEqual({ day: "2030-06-01", accepted: 0, refused: 0 });

    await core.smtpCredentials.delete(scope, credential.id);
    await expect(core.smtpCredentials.get(orgId, credential.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await core.smtpLoginBlocks.list(orgId)).toEqual([]);
  });

  it("shows, counts, reads and purges the message log, and reports the outbox", async () => {
    const core = coreOn();
    const { organization, scope } = await ownedOrganization(core);
    const orgId = organization.id;
    const { credential, password } = await core.smtpCredentials.create(scope, {});
    const stored = await storeMessage({ username: credential.username, password }, false);
    const queued = await storeMessage({ username: credential.username, password }, true);

    const page = await core.messages.list(orgId, { limit: 10 });
    expect(page.items.map((m) => [m.id, m.status]).sort()).toEqual(
      [
        [stored, "stored"],
        [queued, "queued"],
      ].sort(),
    );
    expect(await core.messages.countsByCredential(orgId)).toEqual([
      { credentialId: credential.id, last24h: 2, last7d: 2 },
    ]);
    const { message, source } = await core.messages.source(orgId, stored);
    expect(message.id).toBe(stored);
    expect(source).toContain("Subject: stored");
    expect(await core.messages.outbox()).toMatchObject({ queued: 1, deferred: 0 });

    expect(await core.messages.purge(scope)).toEqual({ deleted: 1 });
    expect((await core.messages.list(orgId, { limit: 10 })).items.map((m) => m.id)).toEqual([queued]);
  });

  it("keeps no upstream without a server key and tries none without a server default", async () => {
    const core = coreOn();
    const { organization, scope } = await ownedOrganization(core);
    expect(await core.upstream.get(organization.id)).toEqual({
      own: null,
      serverDefault: false,
      canStorePasswords: false,
    });
    const input = {
      host: "127.0.0.1",
      port: 2525,
      tls: "none",
      tlsVerify: false,
      username: "u",
      password: "p",
    } as const;
    await expect(core.upstream.set(scope, input)).rejects.toMatchObject({ message: MISSING_KEY_MESSAGE });
    expect(await core.upstream.test(organization.id)).toEqual({
      ok: false,
      stage: "configuration",
      reply: "no upstream configured",
      target: "none",
    });
  });

  it("sets, tests and clears an organization's own upstream beside the server's default", async () => {
    const port = await freePort();
    const settings = { host: "127.0.0.1", port, tls: "none", tlsVerify: false } as const;
    const serverUpstream = new Upstream({ ...settings, user: undefined }, undefined);
    const core = coreOn({ keyring, serverUpstream });
    const { organization, scope } = await ownedOrganization(core);
    expect(await core.upstream.get(organization.id)).toEqual({
      own: null,
      serverDefault: true,
      canStorePasswords: true,
    });
    expect(await core.upstream.test(organization.id)).toMatchObject({ ok: false, target: "server" });

    const own = await core.upstream.set(scope, { ...settings, username: "relay", password: "secret" });
    expect(own).toMatchObject({ host: "127.0.0.1", port, username: "relay", passwordSet: true });
    expect((await core.upstream.get(organization.id)).own).toEqual(own);
    expect(await core.upstream.test(organization.id)).toMatchObject({ ok: false, target: "organization" });

    expect(await core.upstream.clear(scope)).toEqual({ cleared: true });
    expect((await core.upstream.get(organization.id)).own).toBeNull();
  });

  it("registers webhook endpoints on public addresses only by default, and lists their deliveries", async () => {
    const core = coreOn({ keyring });
    const { organization, scope } = await ownedOrganization(core);
    await expect(core.webhooks.create(scope, { url: "https://127.0.0.1/hooks" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("127.0.0.1 is not a public address"),
    });
    const created = await core.webhooks.create(scope, { url: "https://8.8.8.8/hooks" }, "hook-key");
    expect(created.endpoint.url).toBe("https://8.8.8.8/hooks");
    expect(created.secret).toEqual(expect.any(String));
    expect(await core.webhooks.create(scope, { url: "https://8.8.8.8/hooks" }, "hook-key")).toEqual(created);
    expect((await core.webhooks.list(organization.id)).map((e) => e.id)).toEqual([created.endpoint.id]);
    expect(await core.webhooks.deliveries(organization.id, { endpointId: created.endpoint.id, limit: 10 })).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it("signs users up (open registration by default), in, and out, and changes their passwords", async () => {
    const core = coreOn();
    expect((await core.users.registration()).mode).toBe("open");
    const email = `${unique("user")}@core.test`;
    const user = await core.users.create({ email, password: PASSWORD, name: "Ada" });
    expect(user).toMatchObject({ email, name: "Ada" });
    expect(await core.users.findByEmail(email)).toEqual(user);
    expect(await core.users.signIn(email, PASSWORD, "192.0.2.9")).toEqual({ ok: true, user });

    const signedUp = `${unique("signup")}@core.test`;
    await core.users.signUp(
      { account: { email: signedUp, password: PASSWORD, name: "Bo" }, joins: { organizationName: "Bo's" } },
      null,
    );
    const bo = await core.users.findByEmail(signedUp);
    expect(bo?.name).toBe("Bo");
    expect((await core.organizations.listForUser(bo?.id ?? "")).map((o) => [o.name, o.role])).toEqual([
      ["Bo's", "owner"],
    ]);

    const first = await core.sessions.create(user.id, { userAgent: "first", remoteAddress: null });
    const resolved = await core.sessions.resolve(first.token);
    expect(resolved?.user).toEqual(user);
    const sessionId = resolved?.sessionId ?? "";
    await core.sessions.create(user.id);
    expect(await core.sessions.listForUser(user.id, sessionId)).toHaveLength(2);
    expect(await core.sessions.revokeOthers(user.id, sessionId)).toBe(1);
    expect(
      await core.users.changePassword({ ...userActor(user), id: user.id }, PASSWORD, "changed-password-1", sessionId),
    ).toEqual({ sessionsEnded: 0 });
    expect(await core.users.signIn(email, "changed-password-1", "192.0.2.9")).toMatchObject({ ok: true });
    expect(await core.sessions.revoke(first.token)).toBe(sessionId);
    expect(await core.sessions.resolve(first.token)).toBeUndefined();

    const third = await core.sessions.create(user.id);
    const thirdId = (await core.sessions.resolve(third.token))?.sessionId ?? "";
    await core.sessions.revokeById(user.id, thirdId);
    expect(await core.sessions.resolve(third.token)).toBeUndefined();
    await core.sessions.create(user.id);
    expect(await core.sessions.revokeAll(user.id)).toBe(1);
    await core.sessions.create(user.id);
    expect(await core.users.resetPassword(systemActor("test"), email, "reset-password-1")).toEqual({
      userId: user.id,
      sessionsEnded: 1,
    });
    expect(await core.sessions.pruneExpired()).toBe(0);
  });

  it("manages organizations and their members", async () => {
    const core = coreOn();
    const { organization, owner, scope } = await ownedOrganization(core);
    expect(await core.organizations.find(organization.slug)).toEqual(organization);
    expect((await core.organizations.list()).map((o) => o.id)).toContain(organization.id);
    expect(await core.organizations.rename(organization.id, scope.actor, "Renamed")).toMatchObject({
      id: organization.id,
      name: "Renamed",
    });
    expect(await core.members.role(organization.id, owner.id)).toBe("owner");

    const member = await core.users.create({ email: `${unique("member")}@core.test`, password: PASSWORD });
    const { token } = await core.invitations.create(scope, "admin");
    expect(await core.invitations.preview(token, null)).toMatchObject({ organizationName: "Renamed", role: "admin" });
    expect(await core.invitations.accept(userActor(member), token)).toEqual({
      organizationId: organization.id,
      role: "admin",
    });
    expect((await core.members.list(organization.id)).map((m) => [m.userId, m.role]).sort()).toEqual(
      [
        [owner.id, "owner"],
        [member.id, "admin"],
      ].sort(),
    );
    await core.members.setRole(scope, member.id, "viewer");
    expect(await core.members.role(organization.id, member.id)).toBe("viewer");
    await core.members.remove(scope, member.id);
    expect(await core.members.role(organization.id, member.id)).toBeUndefined();

    const actors = await core.auditLog.actors(organization.id);
    expect(actors.map((a) => a.label)).toContain(owner.email);
    const { items } = await core.auditLog.list(organization.id, { limit: 50 });
    expect(items.map((e) => e.action)).toContain("member.removed");
  });

  it("answers a create's retry with its key from the first answer, even on another core with the server key", async () => {
    const core = coreOn({ keyring });
    const { organization, scope } = await ownedOrganization(core);
    const invited = await core.invitations.create(scope, "viewer", "invite-key");
    expect(invited.invitation.role).toBe("viewer");
    expect(await core.invitations.create(scope, "viewer", "invite-key")).toEqual(invited);
    expect((await core.invitations.list(organization.id)).map((i) => i.id)).toEqual([invited.invitation.id]);

    const keyed = await core.apiKeys.create(scope, { name: "ci", role: "admin" }, "api-key");
    expect(keyed.apiKey).toMatchObject({ name: "ci", role: "admin" });
    const otherProcess = coreOn({ keyring });
    expect(await otherProcess.apiKeys.create(scope, { name: "ci", role: "admin" }, "api-key")).toEqual(keyed);
    const credential = await core.smtpCredentials.create(scope, { description: "keyed" }, "credential-key");
    expect(await core.smtpCredentials.create(scope, { description: "keyed" }, "credential-key")).toEqual(credential);

    // The operation is part of what a key names: used for another create, the key is refused.
    await expect(core.apiKeys.create(scope, { name: "ci", role: "admin" }, "invite-key")).rejects.toMatchObject({
      code: "UNPROCESSABLE_CONTENT",
    });
    expect((await idempotencyRows(organization.id)).map((row) => row.operation).sort()).toEqual([
      "apiKeys.create",
      "invitations.create",
      "smtpCredentials.create",
    ]);

    const later = coreOn({ keyring, now: () => new Date(Date.now() + IDEMPOTENCY_WINDOW_MS + 60_000) });
    await later.pruneIdempotencyKeys();
    expect(await idempotencyRows(organization.id)).toEqual([]);
    expect(await core.pruneLoginAttempts()).toBe(0);

    await core.invitations.revoke(organization.id, scope.actor, invited.invitation.id);
    expect(await core.invitations.list(organization.id)).toEqual([]);
  });

  it("resolves and revokes API keys, and tells which access lapsed", async () => {
    const core = coreOn();
    const { organization, scope } = await ownedOrganization(core);
    const { apiKey, token } = await core.apiKeys.create(scope, { name: "deploy", role: "viewer" });
    expect((await core.apiKeys.list(organization.id)).map((k) => k.id)).toEqual([apiKey.id]);
    expect(await core.apiKeys.resolve(token)).toMatchObject({ id: apiKey.id, organizationId: organization.id });
    expect(await core.access.lapsed([{ kind: "apiKey", apiKeyId: apiKey.id }])).toEqual([]);
    await core.apiKeys.revoke(organization.id, scope.actor, apiKey.id);
    expect(await core.apiKeys.resolve(token)).toBeUndefined();
    expect(await core.access.lapsed([{ kind: "apiKey", apiKeyId: apiKey.id }])).toEqual([
      { kind: "apiKey", apiKeyId: apiKey.id },
    ]);
  });

  it("reads an organization's events, of one credential when asked, and needs a bus for live ones", async () => {
    const core = coreOn();
    const { organization, scope } = await ownedOrganization(core);
    const a = (await core.smtpCredentials.create(scope, { description: "a" })).credential;
    const b = (await core.smtpCredentials.create(scope, { description: "b" })).credential;
    const query = { organizationId: organization.id, afterId: 0, limit: 10 };
    expect((await core.events.since(query)).map((e) => e.credentialId)).toEqual([a.id, b.id]);
    expect((await core.events.since({ ...query, credentialId: b.id })).map((e) => e.credentialId)).toEqual([b.id]);
    const recent = await core.events.recent({ organizationId: organization.id, limit: 1 });
    expect(recent.events.map((e) => [e.type, e.credentialId])).toEqual([["credential.created", b.id]]);
    expect(recent.resumeFrom).toBe(recent.events[0]?.id);
    expect(() => core.events.stream({ organizationId: organization.id })).toThrow(
      "Live events need an event bus; pass one to createCore",
    );
  });
});
