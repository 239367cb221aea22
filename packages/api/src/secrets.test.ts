import { hashToken } from "@relaypost/core";
import { schema } from "@relaypost/db";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { procedurePaths } from "./procedures.test-support";
import { type ApiHarness, createApiHarness, type TestOrganization } from "./testing";

/**
 * Calls every procedure (successful and failing calls alike) and proves that no answer or error carries a password,
 * a hash or a token — except the one response that reveals a new secret to its creator. What the server writes to
 * its output is checked on the real process, in apps/server/src/secrets-in-output.test.ts.
 */
describe("secrets never leave after creation", () => {
  let h: ApiHarness;
  let org: TestOrganization;
  const outputs: Array<{ path: string; text: string }> = [];
  const secrets = new Set<string>();
  const called = new Set<string>();

  async function record(path: string, call: () => Promise<unknown>): Promise<unknown> {
    called.add(path);
    try {
      const result = await call();
      outputs.push({ path, text: JSON.stringify(result) ?? "" });
      return result;
    } catch (error) {
      const detail =
        error instanceof TRPCError ? `${error.code} ${error.message} ${JSON.stringify(error.cause)}` : String(error);
      outputs.push({ path, text: detail });
      return undefined;
    }
  }

  beforeAll(async () => {
    h = await createApiHarness();
    org = await h.createOrganization();
    secrets.add(org.owner.sessionToken);
    secrets.add("owner-password-1");

    const owner = await h.asSession(org.owner.sessionToken, org.id);
    const anonymous = await h.anonymous();

    secrets.add("newcomer-password-1");
    const account = { email: "newcomer@example.com", password: "newcomer-password-1" };
    await record("auth.signUp", () => anonymous.auth.signUp({ ...account, organizationName: "Newcomer Ltd" }));
    await record("auth.signUp", () => anonymous.auth.signUp({ ...account, organizationName: "Taken address" }));
    await record("auth.signIn", () =>
      anonymous.auth.signIn({ email: "newcomer@example.com", password: "wrong-password-1" }),
    );
    const signedIn = (await record("auth.signIn", () => anonymous.auth.signIn(account))) as { user: { id: string } };
    await record("auth.me", () => owner.auth.me());
    await record("auth.registration", () => anonymous.auth.registration());

    const created = await owner.smtpCredentials.create({ username: "leak_check", description: "d" });
    called.add("smtpCredentials.create");
    secrets.add(created.password);
    const regenerated = await owner.smtpCredentials.regeneratePassword({ id: created.credential.id });
    called.add("smtpCredentials.regeneratePassword");
    secrets.add(regenerated.password);
    await record("smtpCredentials.create", () => owner.smtpCredentials.create({ username: "leak_check" }));
    await record("smtpCredentials.regeneratePassword", () =>
      owner.smtpCredentials.regeneratePassword({ id: crypto.randomUUID() }),
    );
    await record("smtpCredentials.endPreviousPassword", () =>
      owner.smtpCredentials.endPreviousPassword({ id: created.credential.id }),
    );
    await record("smtpCredentials.list", () => owner.smtpCredentials.list({ search: "leak" }));
    await record("smtpCredentials.connectionSettings", () => owner.smtpCredentials.connectionSettings());
    await record("smtpCredentials.get", () => owner.smtpCredentials.get({ id: created.credential.id }));
    await record("smtpCredentials.loginActivity", () =>
      owner.smtpCredentials.loginActivity({ id: created.credential.id }),
    );
    await record("smtpCredentials.update", () =>
      owner.smtpCredentials.update({ id: created.credential.id, description: "e" }),
    );
    await record("smtpCredentials.setActive", () =>
      owner.smtpCredentials.setActive({ id: created.credential.id, active: false }),
    );
    await record("smtpCredentials.deactivate", () => owner.smtpCredentials.deactivate({ id: created.credential.id }));
    await record("smtpCredentials.activate", () => owner.smtpCredentials.activate({ id: created.credential.id }));

    const key = await owner.apiKeys.create({ name: "ci", role: "admin" });
    called.add("apiKeys.create");
    secrets.add(key.token);
    const service = await h.asApiKey(key.token);
    await record("apiKeys.list", () => service.apiKeys.list());
    await record("smtpCredentials.list", () => service.smtpCredentials.list());
    await record("organizations.current", () => service.organizations.current());
    await record("organizations.list", () => owner.organizations.list());
    await record("organizations.create", () => owner.organizations.create({ name: "Second" }));
    await record("organizations.rename", () => owner.organizations.rename({ name: "Renamed" }));
    await record("members.list", () => owner.members.list());
    const invited = await owner.members.invite({ role: "viewer" });
    called.add("members.invite");
    secrets.add(invited.token);
    const second = await owner.members.invite({ role: "admin" });
    called.add("members.invite");
    secrets.add(second.token);
    await record("members.invitations", () => owner.members.invitations());
    const inviteeToken = (await h.core.sessions.create(signedIn.user.id)).token;
    secrets.add(inviteeToken);
    secrets.add(hashToken(inviteeToken));
    const invitee = await h.asSession(inviteeToken);
    await record("members.previewInvitation", () => invitee.members.previewInvitation({ token: invited.token }));
    await record("members.acceptInvitation", () => invitee.members.acceptInvitation({ token: invited.token }));
    await record("members.acceptInvitation", () => invitee.members.acceptInvitation({ token: invited.token }));
    await record("members.setRole", () => owner.members.setRole({ userId: signedIn.user.id, role: "admin" }));
    await record("members.remove", () => owner.members.remove({ userId: signedIn.user.id }));
    await record("members.revokeInvitation", () => owner.members.revokeInvitation({ id: second.invitation.id }));
    secrets.add("upstream-password-secret-1");
    const upstream = {
      host: "127.0.0.1",
      port: 1,
      tls: "starttls" as const,
      tlsVerify: false,
      username: "relay-user",
      password: "upstream-password-secret-1",
    };
    await record("upstream.set", () => owner.upstream.set(upstream));
    await record("upstream.set", () => owner.upstream.set({ ...upstream, password: undefined }));
    await record("upstream.set", () => owner.upstream.set({ ...upstream, port: 0 }));
    await record("upstream.get", () => owner.upstream.get());
    await record("upstream.get", () => service.upstream.get());
    await record("upstream.test", () => owner.upstream.test());
    await record("upstream.set", () => service.upstream.set(upstream));
    const hook = await owner.webhooks.create({ url: "https://93.184.215.14/hooks" });
    called.add("webhooks.create");
    secrets.add(hook.secret);
    const rotated = await service.webhooks.rotateSecret({ id: hook.endpoint.id });
    called.add("webhooks.rotateSecret");
    secrets.add(rotated.secret);
    await record("webhooks.list", () => service.webhooks.list());
    await record("webhooks.update", () => owner.webhooks.update({ id: hook.endpoint.id, description: "d" }));
    await record("webhooks.disable", () => owner.webhooks.disable({ id: hook.endpoint.id }));
    await record("webhooks.enable", () => owner.webhooks.enable({ id: hook.endpoint.id }));
    await record("webhooks.deliveries", () => owner.webhooks.deliveries({ endpointId: hook.endpoint.id }));
    await record("webhooks.delete", () => owner.webhooks.delete({ id: hook.endpoint.id }));
    await record("auditLog.list", () => owner.auditLog.list({ limit: 200 }));
    await record("auditLog.actors", () => owner.auditLog.actors());
    await record("events.recent", () => owner.events.recent({ limit: 500 }));
    await record("events.list", () => owner.events.list({ limit: 500 }));
    await record("messages.list", () => owner.messages.list({ credentialId: created.credential.id }));
    await record("messages.countsByCredential", () => owner.messages.countsByCredential());
    await record("messages.source", () => owner.messages.source({ id: crypto.randomUUID() }));
    await record("messages.purge", () => owner.messages.purge());
    await record("smtpLoginBlocks.list", () => owner.smtpLoginBlocks.list());
    await record("smtpLoginBlocks.lift", () => owner.smtpLoginBlocks.lift({ address: "192.0.2.1" }));
    await record("smtpCredentials.delete", () => owner.smtpCredentials.delete({ id: created.credential.id }));
    await record("upstream.clear", () => owner.upstream.clear());
    await record("apiKeys.revoke", () => owner.apiKeys.revoke({ id: key.apiKey.id }));
    await record("smtpCredentials.list", () => service.smtpCredentials.list());
    const spare = await h.core.sessions.create(signedIn.user.id);
    secrets.add(spare.token);
    secrets.add(hashToken(spare.token));
    const sessions = (await record("account.sessions", () => invitee.account.sessions())) as Array<{
      id: string;
      current: boolean;
    }>;
    await record("account.endSession", () =>
      invitee.account.endSession({ id: sessions.find((s) => !s.current)?.id ?? "" }),
    );
    await record("account.changePassword", () =>
      invitee.account.changePassword({ currentPassword: "wrong-password-1", newPassword: "newcomer-password-2" }),
    );
    await record("account.changePassword", () =>
      invitee.account.changePassword({ currentPassword: "newcomer-password-1", newPassword: "newcomer-password-2" }),
    );
    secrets.add("newcomer-password-2");
    await record("account.signOutEverywhere", () => invitee.account.signOutEverywhere());
    await record("auth.signOut", () => owner.auth.signOut());

    const hashes = await h.database.db
      .select({ hash: schema.smtpCredentials.passwordHash })
      .from(schema.smtpCredentials);
    for (const { hash } of hashes) secrets.add(hash);
    const tokenHashes = await h.database.db.select({ hash: schema.apiKeys.tokenHash }).from(schema.apiKeys);
    for (const { hash } of tokenHashes) secrets.add(hash);
    const invitationHashes = await h.database.db
      .select({ hash: schema.invitations.tokenHash })
      .from(schema.invitations);
    for (const { hash } of invitationHashes) secrets.add(hash);
    const sessionHashes = await h.database.db.select({ hash: schema.sessions.tokenHash }).from(schema.sessions);
    for (const { hash } of sessionHashes) secrets.add(hash);
    const passwordHashes = await h.database.db.select({ hash: schema.users.passwordHash }).from(schema.users);
    for (const { hash } of passwordHashes) secrets.add(hash);
  });
  afterAll(() => h.destroy());

  it("exercises every query and mutation of the API", () => {
    // The one subscription is covered over a real WebSocket in the client's tests.
    const expected = procedurePaths().filter((path) => path !== "events.subscribe");
    expect([...called].sort()).toEqual(expect.arrayContaining(expected));
  });

  it("keeps every password, hash and token out of every other answer and error", () => {
    expect(outputs.length).toBeGreaterThan(20);
    for (const { path, text } of outputs) {
      for (const secret of secrets) expect(text, path).not.toContain(secret);
      expect(text, path).not.toMatch(/\$argon2|rpsmtp_[a-z0-9]{12}_|rpkey_[A-Za-z0-9]{20}/);
    }
  });
});
