import { schema } from "@relaypost/db";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor";
import { hashToken } from "../tokens";
import { INVITATION_PREVIEW_BLOCK_AFTER, InvitationPreviewThrottledError } from "./invitation-preview";
import { acceptInvitation, INVITATION_TTL_MS, InvitationUnusableError, previewInvitation } from "./invitations";
import { auditEntries, useCore } from "./test-support";

describe("invitations", () => {
  const t = useCore();
  let organizationId: string;
  let owner: Actor & { type: "user"; id: string };
  let counter = 0;

  async function newUser() {
    const user = await t.core.users.create({ email: `invitee-${counter++}@example.com`, password: "invitee-password" });
    return { type: "user" as const, id: user.id, label: user.email, remoteAddress: "192.0.2.4" };
  }

  beforeAll(async () => {
    const created = await t.core.organizations.create({
      name: "Inviting Org",
      owner: { email: "inviter@example.com", password: "inviter-password", name: "Ivy Inviter" },
    });
    organizationId = created.organization.id;
    owner = { type: "user", id: created.owner.id, label: created.owner.email, remoteAddress: null };
  });

  const ownerScope = () => ({ organizationId, actor: owner, role: "owner" as const });

  it("stores only a hash of the token and lists the link until it is used", async () => {
    const { invitation, token } = await t.core.invitations.create(ownerScope(), "viewer");
    expect(token).toMatch(/^rpinv_[A-Za-z0-9]{43}$/);
    const [row] = await t.database.db.select().from(schema.invitations).where(eq(schema.invitations.id, invitation.id));
    expect(row?.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(invitation.expiresAt.getTime() - invitation.createdAt.getTime()).toBeGreaterThan(INVITATION_TTL_MS - 60_000);
    expect((await t.core.invitations.list(organizationId)).map((i) => i.id)).toContain(invitation.id);
    const preview = await t.core.invitations.preview(token, "192.0.2.9");
    expect(preview).toEqual({
      organizationName: "Inviting Org",
      organizationSlug: expect.stringMatching(/^inviting-org/),
      role: "viewer",
      inviterName: "Ivy Inviter",
      expiresAt: invitation.expiresAt,
    });
    expect(JSON.stringify(preview)).not.toMatch(/inviter@example\.com|tokenHash/);
  });

  it("admits exactly one user with the invited role, then refuses the spent link", async () => {
    const { invitation, token } = await t.core.invitations.create(ownerScope(), "admin");
    const first = await newUser();
    await expect(t.core.invitations.accept(first, token)).resolves.toEqual({ organizationId, role: "admin" });
    expect(await t.core.members.role(organizationId, first.id)).toBe("admin");
    await expect(t.core.invitations.accept(await newUser(), token)).rejects.toEqual(
      new InvitationUnusableError("used"),
    );
    await expect(t.core.invitations.preview(token, "192.0.2.9")).rejects.toMatchObject({ reason: "used" });
    expect((await t.core.invitations.list(organizationId)).map((i) => i.id)).not.toContain(invitation.id);
    const audit = await t.core.auditLog.list(organizationId, { limit: 50 });
    expect(audit.items.find((e) => e.action === "member.joined")).toMatchObject({
      actorLabel: first.label,
      targetId: first.id,
      remoteAddress: "192.0.2.4",
    });
  });

  it("keeps the link usable when an existing member opens it", async () => {
    const { token } = await t.core.invitations.create(ownerScope(), "viewer");
    await expect(t.core.invitations.accept(owner, token)).rejects.toMatchObject({
      code: "CONFLICT",
      message: "You are already a member of this organization",
    });
    await expect(t.core.invitations.preview(token, "192.0.2.9")).resolves.toMatchObject({ role: "viewer" });
  });

  it("refuses revoked, expired and unknown links, each saying why", async () => {
    const revoked = await t.core.invitations.create(ownerScope(), "viewer");
    await t.core.invitations.revoke(organizationId, owner, revoked.invitation.id);
    await expect(t.core.invitations.revoke(organizationId, owner, revoked.invitation.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Invitation not found",
    });
    const expired = await t.core.invitations.create(ownerScope(), "viewer");
    await t.database.db
      .update(schema.invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(schema.invitations.id, expired.invitation.id));
    const user = await newUser();
    const links = { revoked: revoked.token, expired: expired.token, invalid: "rpinv_unknown" } as const;
    for (const [reason, token] of Object.entries(links)) {
      await expect(t.core.invitations.accept(user, token)).rejects.toMatchObject({ code: "NOT_FOUND", reason });
      await expect(t.core.invitations.preview(token, "192.0.2.9")).rejects.toBeInstanceOf(InvitationUnusableError);
      await expect(t.core.invitations.preview(token, "192.0.2.9")).rejects.toMatchObject({ reason });
    }
    expect(await t.core.members.role(organizationId, user.id)).toBeUndefined();
  });

  it("counts a link as expired from the very instant it expires", async () => {
    const { invitation, token } = await t.core.invitations.create(ownerScope(), "viewer");
    const expiry = invitation.expiresAt;
    await expect(previewInvitation(t.database.db, token, new Date(expiry.getTime() - 1))).resolves.toMatchObject({
      role: "viewer",
    });
    await expect(previewInvitation(t.database.db, token, expiry)).rejects.toMatchObject({ reason: "expired" });
    const user = await newUser();
    await expect(acceptInvitation(t.database.db, user, token, expiry)).rejects.toMatchObject({ reason: "expired" });
    expect(await t.core.members.role(organizationId, user.id)).toBeUndefined();
  });

  it("audits a link's creation and revocation with its role", async () => {
    const { invitation } = await t.core.invitations.create(ownerScope(), "admin");
    await t.core.invitations.revoke(organizationId, owner, invitation.id);
    const entry = { targetType: "invitation", targetId: invitation.id, targetLabel: null, metadata: { role: "admin" } };
    expect(await auditEntries(t.core, organizationId, invitation.id)).toEqual([
      { action: "invitation.revoked", ...entry },
      { action: "invitation.created", ...entry },
    ]);
  });

  it("names no inviter for a link an API key made", async () => {
    const { apiKey } = await t.core.apiKeys.create(ownerScope(), { name: "onboarding bot", role: "admin" });
    const actor: Actor = { type: "api_key", id: apiKey.id, label: apiKey.name, remoteAddress: null };
    const { invitation, token } = await t.core.invitations.create({ organizationId, actor, role: "admin" }, "viewer");
    const [row] = await t.database.db.select().from(schema.invitations).where(eq(schema.invitations.id, invitation.id));
    expect(row?.createdBy).toBeNull();
    await expect(t.core.invitations.preview(token, "192.0.2.9")).resolves.toMatchObject({ inviterName: null });
  });

  it("cannot revoke another organization's link", async () => {
    const other = await t.core.organizations.create({ name: "Other", owner: { userId: owner.id } });
    const { invitation } = await t.core.invitations.create(ownerScope(), "viewer");
    await expect(t.core.invitations.revoke(other.organization.id, owner, invitation.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("stops an address that looks up link after unusable link, and no other address", async () => {
    // Opening the same link again counts once: all but the last are opened twice, and only the last reaches the limit.
    const guesses = Array.from({ length: INVITATION_PREVIEW_BLOCK_AFTER }, (_, i) => `rpinv_guess${i}`);
    for (const guess of guesses.flatMap((g, i) => (i < guesses.length - 1 ? [g, g] : [g]))) {
      await expect(t.core.invitations.preview(guess, "198.51.100.7")).rejects.toMatchObject({ reason: "invalid" });
    }
    const { token } = await t.core.invitations.create(ownerScope(), "viewer");
    await expect(t.core.invitations.preview(token, "198.51.100.7")).rejects.toBeInstanceOf(
      InvitationPreviewThrottledError,
    );
    await expect(t.core.invitations.preview(token, "198.51.100.8")).resolves.toMatchObject({ role: "viewer" });
  });

  it("counts only unusable links toward an address's limit, then refuses it with TOO_MANY_REQUESTS", async () => {
    const address = "198.51.100.20";
    const { token } = await t.core.invitations.create(ownerScope(), "viewer");
    const guess = (i: number) => t.core.invitations.preview(`rpinv_limit${i}`, address);
    for (let i = 1; i < INVITATION_PREVIEW_BLOCK_AFTER; i++) {
      await expect(guess(i)).rejects.toMatchObject({ reason: "invalid" });
    }
    await expect(t.core.invitations.preview(token, address)).resolves.toMatchObject({ role: "viewer" });
    await expect(guess(INVITATION_PREVIEW_BLOCK_AFTER)).rejects.toMatchObject({ reason: "invalid" });
    await expect(guess(INVITATION_PREVIEW_BLOCK_AFTER + 1)).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: "Too many invitation links checked; try again later",
    });
  });
});
