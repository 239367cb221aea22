import { describe, expect, it } from "vitest";
import { watchRevocations } from "../smtp-credentials/test-support";
import type { RoleScope } from "./roles";
import { useCore } from "./test-support";

/** What every process hears when access ends, so live connections close everywhere (listenForRevocations). */
describe("announcing ended access", () => {
  const t = useCore();
  let counter = 0;

  /** A new organization, its owner's scope, and a viewer admitted by invitation. */
  async function organizationWithViewer() {
    const n = counter++;
    const { organization, owner } = await t.core.organizations.create({
      name: `Revoking ${n}`,
      owner: { email: `revoking-owner-${n}@example.com`, password: "owner-password-1" },
    });
    const actor = { type: "user" as const, id: owner.id, label: owner.email, remoteAddress: null };
    const scope: RoleScope = { organizationId: organization.id, actor, role: "owner" };
    const viewer = await t.core.users.create({
      email: `revoking-viewer-${n}@example.com`,
      password: "viewer-password-1",
    });
    const { token } = await t.core.invitations.create(scope, "viewer");
    await t.core.invitations.accept({ type: "user", id: viewer.id, label: viewer.email, remoteAddress: null }, token);
    return { organizationId: organization.id, ownerId: owner.id, viewerId: viewer.id, scope };
  }

  const newUser = () =>
    t.core.users.create({ email: `signed-in-${counter++}@example.com`, password: "session-password" });
  const sessionIdOf = async (token: string) => (await t.core.sessions.resolve(token))?.sessionId ?? "";

  it("announces the member whose role changed, and again when they are removed", async () => {
    const { organizationId, viewerId, scope } = await organizationWithViewer();
    const revocations = await watchRevocations(t.database);
    try {
      await t.core.members.setRole(scope, viewerId, "admin");
      expect(await revocations.take()).toEqual([{ kind: "member", organizationId, userId: viewerId }]);
      await t.core.members.remove(scope, viewerId);
      expect(await revocations.take()).toEqual([{ kind: "member", organizationId, userId: viewerId }]);
    } finally {
      await revocations.stop();
    }
  });

  it("announces nothing when demoting the last owner is refused", async () => {
    const { ownerId, scope } = await organizationWithViewer();
    const revocations = await watchRevocations(t.database);
    try {
      await expect(t.core.members.setRole(scope, ownerId, "viewer")).rejects.toMatchObject({ code: "BAD_REQUEST" });
      expect(await revocations.take()).toEqual([]);
    } finally {
      await revocations.stop();
    }
  });

  it("announces a session signed out by its token, and nothing for a token that names no session", async () => {
    const user = await newUser();
    const { token } = await t.core.sessions.create(user.id);
    const sessionId = await sessionIdOf(token);
    const revocations = await watchRevocations(t.database);
    try {
      expect(await t.core.sessions.revoke(token)).toBe(sessionId);
      expect(await revocations.take()).toEqual([{ kind: "session", sessionId }]);
      expect(await t.core.sessions.revoke(token)).toBeUndefined();
      expect(await revocations.take()).toEqual([]);
    } finally {
      await revocations.stop();
    }
  });

  it("announces a session ended from the session list", async () => {
    const user = await newUser();
    const sessionId = await sessionIdOf((await t.core.sessions.create(user.id)).token);
    const revocations = await watchRevocations(t.database);
    try {
      await t.core.sessions.revokeById(user.id, sessionId);
      expect(await revocations.take()).toEqual([{ kind: "session", sessionId }]);
    } finally {
      await revocations.stop();
    }
  });

  it("announces each session ended by signing out elsewhere, then each by signing out everywhere", async () => {
    const user = await newUser();
    const tokens = await Promise.all([1, 2, 3].map(async () => (await t.core.sessions.create(user.id)).token));
    const [current = "", ...others] = await Promise.all(tokens.map(sessionIdOf));
    const revocations = await watchRevocations(t.database);
    try {
      await t.core.sessions.revokeOthers(user.id, current);
      const ended = await revocations.take();
      expect(ended).toHaveLength(2);
      expect(ended).toEqual(expect.arrayContaining(others.map((sessionId) => ({ kind: "session", sessionId }))));
      await t.core.sessions.revokeAll(user.id);
      expect(await revocations.take()).toEqual([{ kind: "session", sessionId: current }]);
    } finally {
      await revocations.stop();
    }
  });

  it("announces a revoked API key", async () => {
    const { organizationId, scope } = await organizationWithViewer();
    const { apiKey } = await t.core.apiKeys.create(scope, { name: "deploy", role: "admin" });
    const revocations = await watchRevocations(t.database);
    try {
      await t.core.apiKeys.revoke(organizationId, scope.actor, apiKey.id);
      expect(await revocations.take()).toEqual([{ kind: "apiKey", apiKeyId: apiKey.id }]);
    } finally {
      await revocations.stop();
    }
  });
});
