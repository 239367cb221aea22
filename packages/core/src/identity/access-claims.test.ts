import { schema } from "@relaypost/db";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { hashFingerprint } from "../smtp-auth/grant";
import type { AccessClaim } from "./access-claims";
import { operatorScope } from "./roles";
import { useCore } from "./test-support";

describe("checking live connections' access again", () => {
  const t = useCore();

  it("names exactly the claims that lapsed: signed out, expired, revoked, removed, role changed", async () => {
    const join = async (email: string, role: "admin" | "viewer") => {
      const user = await t.core.users.create({ email, password: "password-123456" });
      const { token } = await t.core.invitations.create(scope, role);
      await t.core.invitations.accept({ type: "user", id: user.id, label: email, remoteAddress: null }, token);
      return user;
    };
    const { organization, owner } = await t.core.organizations.create({
      name: "Claims",
      owner: { email: "claims-owner@example.com", password: "password-123456" },
    });
    const organizationId = organization.id;
    const scope = operatorScope(organizationId, "test");
    const admin = await join("claims-admin@example.com", "admin");
    const viewer = await join("claims-viewer@example.com", "viewer");
    const live = await t.core.sessions.create(owner.id);
    const signedOut = await t.core.sessions.create(owner.id);
    const expiring = await t.core.sessions.create(owner.id);
    const sessionId = async (token: string) => (await t.core.sessions.resolve(token))?.sessionId ?? "";
    const [liveId, signedOutId, expiredId] = await Promise.all(
      [live, signedOut, expiring].map((s) => sessionId(s.token)),
    );
    const keptKey = await t.core.apiKeys.create(scope, { name: "kept", role: "admin" });
    const revokedKey = await t.core.apiKeys.create(scope, { name: "revoked", role: "viewer" });

    await t.core.sessions.revoke(signedOut.token);
    await t.database.db
      .update(schema.sessions)
      .set({ expiresAt: new Date(Date.now() - 1_000) })
      .where(eq(schema.sessions.id, expiredId ?? ""));
    await t.core.apiKeys.revoke(organizationId, scope.actor, revokedKey.apiKey.id);
    await t.core.members.setRole(scope, admin.id, "viewer");
    await t.core.members.remove(scope, viewer.id);

    const claims: AccessClaim[] = [
      { kind: "session", sessionId: liveId ?? "" },
      { kind: "session", sessionId: signedOutId ?? "" },
      { kind: "session", sessionId: expiredId ?? "" },
      { kind: "apiKey", apiKeyId: keptKey.apiKey.id },
      { kind: "apiKey", apiKeyId: revokedKey.apiKey.id },
      { kind: "member", organizationId, userId: owner.id, role: "owner" },
      { kind: "member", organizationId, userId: admin.id, role: "admin" },
      { kind: "member", organizationId, userId: viewer.id, role: "viewer" },
    ];
    const lapsed = await t.core.access.lapsed(claims);
    expect(lapsed).toHaveLength(5);
    expect(lapsed).toEqual(
      expect.arrayContaining([
        { kind: "session", sessionId: signedOutId },
        { kind: "session", sessionId: expiredId },
        { kind: "apiKey", apiKeyId: revokedKey.apiKey.id },
        { kind: "member", organizationId, userId: admin.id },
        { kind: "member", organizationId, userId: viewer.id },
      ]),
    );
    expect(await t.core.access.lapsed([])).toEqual([]);
  });

  it("names the SMTP logins that lapsed: password regenerated, deactivated, deleted; not a re-activated one", async () => {
    const { organization } = await t.core.organizations.create({
      name: "Logins",
      owner: { email: "logins-owner@example.com", password: "password-123456" },
    });
    const scope = { organizationId: organization.id, actor: operatorScope(organization.id, "test").actor };
    const claimOf = async () => {
      const { credential } = await t.core.smtpCredentials.create(scope, {});
      const [row] = await t.database.db
        .select({ passwordHash: schema.smtpCredentials.passwordHash })
        .from(schema.smtpCredentials)
        .where(eq(schema.smtpCredentials.id, credential.id));
      const claim: AccessClaim = {
        kind: "credential",
        credentialId: credential.id,
        hashFingerprint: hashFingerprint(row?.passwordHash ?? ""),
      };
      return claim;
    };
    const [kept, regenerated, deactivated, deleted, reactivated] = await Promise.all(
      Array.from({ length: 5 }, claimOf),
    );
    const idOf = (claim: AccessClaim | undefined) => (claim?.kind === "credential" ? claim.credentialId : "");
    await t.core.smtpCredentials.regeneratePassword(scope, idOf(regenerated));
    await t.core.smtpCredentials.setActive(scope, idOf(deactivated), false);
    await t.core.smtpCredentials.delete(scope, idOf(deleted));
    await t.core.smtpCredentials.setActive(scope, idOf(reactivated), false);
    await t.core.smtpCredentials.setActive(scope, idOf(reactivated), true);

    const lapsed = await t.core.access.lapsed(
      [kept, regenerated, deactivated, deleted, reactivated].flatMap((c) => (c ? [c] : [])),
    );
    expect(lapsed).toHaveLength(3);
    // Each names the password it was about, so only the sessions logged in with that one end.
    expect(lapsed).toEqual(expect.arrayContaining([regenerated, deactivated, deleted]));
  });
});
