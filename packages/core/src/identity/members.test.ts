import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCore } from "../core";
import type { Core } from "../services";
import { operatorScope, type Role, type RoleScope } from "./roles";

describe("the role ladder in core", () => {
  let database: TestDatabase;
  let core: Core;
  let organizationId: string;
  let counter = 0;

  /** A member with `role`, admitted by invitation, the scope they act with and the invitation's id. */
  async function member(role: Role): Promise<{ id: string; scope: RoleScope; invitationId: string }> {
    const email = `${role}-${counter++}@example.com`;
    const user = await core.users.create({ email, password: "member-password" });
    const actor = { type: "user" as const, id: user.id, label: email, remoteAddress: null };
    const { invitation, token } = await core.invitations.create(operatorScope(organizationId, "test"), role);
    await core.invitations.accept(actor, token);
    return { id: user.id, scope: { organizationId, actor, role }, invitationId: invitation.id };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    core = createCore({ db: database.db });
    const created = await core.organizations.create({
      name: "Ladder",
      owner: { email: "founder@example.com", password: "founder-password" },
    });
    organizationId = created.organization.id;
  });
  afterAll(() => database.destroy());

  it("refuses an admin granting the owner role, by invitation or by role change, with FORBIDDEN", async () => {
    const admin = await member("admin");
    const viewer = await member("viewer");
    await expect(core.invitations.create(admin.scope, "owner")).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "Only owners can grant the owner role",
      field: "role",
    });
    await expect(core.members.setRole(admin.scope, viewer.id, "owner")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(core.members.setRole(admin.scope, admin.id, "owner")).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await core.members.role(organizationId, viewer.id)).toBe("viewer");
    expect(await core.members.role(organizationId, admin.id)).toBe("admin");
    expect(await core.invitations.list(organizationId)).toEqual([]);
  });

  it("refuses a viewer granting the admin role to an API key", async () => {
    const viewer = await member("viewer");
    await expect(core.apiKeys.create(viewer.scope, { name: "climb", role: "admin" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await core.apiKeys.list(organizationId)).toEqual([]);
  });

  it("refuses an admin demoting or removing an owner, and keeps the owner", async () => {
    const admin = await member("admin");
    const owner = await member("owner");
    await expect(core.members.setRole(admin.scope, owner.id, "viewer")).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "Only owners can change or remove owners",
    });
    await expect(core.members.remove(admin.scope, owner.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await core.members.role(organizationId, owner.id)).toBe("owner");
  });

  it("lets an admin act on admins and viewers within its own rank, itself included", async () => {
    const admin = await member("admin");
    const other = await member("admin");
    const viewer = await member("viewer");
    await core.members.setRole(admin.scope, viewer.id, "admin");
    await core.members.setRole(admin.scope, other.id, "viewer");
    await core.members.remove(admin.scope, other.id);
    await core.members.remove(admin.scope, admin.id);
    expect(await core.members.role(organizationId, viewer.id)).toBe("admin");
    expect(await core.members.role(organizationId, other.id)).toBeUndefined();
    expect(await core.members.role(organizationId, admin.id)).toBeUndefined();
  });

  it("lets an owner demote and remove another owner, but never the last one", async () => {
    const owner = await member("owner");
    const second = await member("owner");
    await core.members.setRole(owner.scope, second.id, "admin");
    await core.members.remove(owner.scope, second.id);
    const owners = (await core.members.list(organizationId)).filter((m) => m.role === "owner");
    for (const { userId } of owners.filter((m) => m.userId !== owner.id)) {
      await core.members.remove(owner.scope, userId);
    }
    const lastOwner = { code: "BAD_REQUEST", message: "An organization needs at least one owner", field: "role" };
    await expect(core.members.setRole(owner.scope, owner.id, "admin")).rejects.toMatchObject(lastOwner);
    await expect(core.members.remove(owner.scope, owner.id)).rejects.toMatchObject(lastOwner);
    expect(await core.members.role(organizationId, owner.id)).toBe("owner");
  });

  it("lets the only owner of an organization keep the owner role when it is set again", async () => {
    const { organization, owner } = await core.organizations.create({
      name: "Sole Owner",
      owner: { email: `sole-${counter++}@example.com`, password: "sole-owner-password" },
    });
    const actor = { type: "user" as const, id: owner.id, label: owner.email, remoteAddress: null };
    await core.members.setRole({ organizationId: organization.id, actor, role: "owner" }, owner.id, "owner");
    expect(await core.members.role(organization.id, owner.id)).toBe("owner");
  });

  it("answers changing or removing a user who is no member as not found", async () => {
    const stranger = await core.users.create({ email: `stranger-${counter++}@example.com`, password: "stranger-pass" });
    const scope = operatorScope(organizationId, "test");
    const notFound = { code: "NOT_FOUND", message: "Member not found" };
    await expect(core.members.setRole(scope, stranger.id, "viewer")).rejects.toMatchObject(notFound);
    await expect(core.members.remove(scope, stranger.id)).rejects.toMatchObject(notFound);
    expect(await core.members.role(organizationId, stranger.id)).toBeUndefined();
  });

  it("audits a member's joining, role change and removal, naming the member and the role", async () => {
    const viewer = await member("viewer");
    const scope = operatorScope(organizationId, "test");
    await core.members.setRole(scope, viewer.id, "admin");
    await core.members.remove(scope, viewer.id);

    const { items } = await core.auditLog.list(organizationId, { limit: 10, target: viewer.id });
    const target = { targetType: "member", targetId: viewer.id };
    expect(
      items.map(({ action, targetType, targetId, targetLabel, metadata }) => ({
        action,
        targetType,
        targetId,
        targetLabel,
        metadata,
      })),
    ).toEqual([
      { action: "member.removed", ...target, targetLabel: null, metadata: {} },
      { action: "member.role_changed", ...target, targetLabel: null, metadata: { role: "admin" } },
      {
        action: "member.joined",
        ...target,
        targetLabel: viewer.scope.actor.label,
        metadata: { role: "viewer", invitationId: viewer.invitationId },
      },
    ]);
  });
});
