import { beforeAll, describe, expect, it } from "vitest";
import { operatorScope, type Role, type RoleScope } from "./roles";
import { auditEntries, useCore } from "./test-support";

describe("the role ladder in core", () => {
  const t = useCore();
  let organizationId: string;
  let counter = 0;

  /** A member with `role`, admitted by invitation, the scope they act with and the invitation's id. */
  async function member(role: Role): Promise<{ id: string; scope: RoleScope; invitationId: string }> {
    const email = `${role}-${counter++}@example.com`;
    const user = await t.core.users.create({ email, password: "member-password" });
    const actor = { type: "user" as const, id: user.id, label: email, remoteAddress: null };
    const { invitation, token } = await t.core.invitations.create(operatorScope(organizationId, "test"), role);
    await t.core.invitations.accept(actor, token);
    return { id: user.id, scope: { organizationId, actor, role }, invitationId: invitation.id };
  }

  beforeAll(async () => {
    const created = await t.core.organizations.create({
      name: "Ladder",
      owner: { email: "founder@example.com", password: "founder-password" },
    });
    organizationId = created.organization.id;
  });

  it("refuses an admin granting the owner role, by invitation or by role change, with FORBIDDEN", async () => {
    const admin = await member("admin");
    const viewer = await member("viewer");
    await expect(t.core.invitations.create(admin.scope, "owner")).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "Only owners can grant the owner role",
      field: "role",
    });
    await expect(t.core.members.setRole(admin.scope, viewer.id, "owner")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(t.core.members.setRole(admin.scope, admin.id, "owner")).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await t.core.members.role(organizationId, viewer.id)).toBe("viewer");
    expect(await t.core.members.role(organizationId, admin.id)).toBe("admin");
    expect(await t.core.invitations.list(organizationId)).toEqual([]);
  });

  it("refuses a viewer granting the admin role to an API key", async () => {
    const viewer = await member("viewer");
    await expect(t.core.apiKeys.create(viewer.scope, { name: "climb", role: "admin" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await t.core.apiKeys.list(organizationId)).toEqual([]);
  });

  it("refuses an admin demoting or removing an owner, and keeps the owner", async () => {
    const admin = await member("admin");
    const owner = await member("owner");
    await expect(t.core.members.setRole(admin.scope, owner.id, "viewer")).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "Only owners can change or remove owners",
    });
    await expect(t.core.members.remove(admin.scope, owner.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await t.core.members.role(organizationId, owner.id)).toBe("owner");
  });

  it("lets an admin act on admins and viewers within its own rank, itself included", async () => {
    const admin = await member("admin");
    const other = await member("admin");
    const viewer = await member("viewer");
    await t.core.members.setRole(admin.scope, viewer.id, "admin");
    await t.core.members.setRole(admin.scope, other.id, "viewer");
    await t.core.members.remove(admin.scope, other.id);
    await t.core.members.remove(admin.scope, admin.id);
    expect(await t.core.members.role(organizationId, viewer.id)).toBe("admin");
    expect(await t.core.members.role(organizationId, other.id)).toBeUndefined();
    expect(await t.core.members.role(organizationId, admin.id)).toBeUndefined();
  });

  it("lets an owner demote and remove another owner, but never the last one", async () => {
    const owner = await member("owner");
    const second = await member("owner");
    await t.core.members.setRole(owner.scope, second.id, "admin");
    await t.core.members.remove(owner.scope, second.id);
    const owners = (await t.core.members.list(organizationId)).filter((m) => m.role === "owner");
    for (const { userId } of owners.filter((m) => m.userId !== owner.id)) {
      await t.core.members.remove(owner.scope, userId);
    }
    const lastOwner = { code: "BAD_REQUEST", message: "An organization needs at least one owner", field: "role" };
    await expect(t.core.members.setRole(owner.scope, owner.id, "admin")).rejects.toMatchObject(lastOwner);
    await expect(t.core.members.remove(owner.scope, owner.id)).rejects.toMatchObject(lastOwner);
    expect(await t.core.members.role(organizationId, owner.id)).toBe("owner");
  });

  it("lets the only owner of an organization keep the owner role when it is set again", async () => {
    const { organization, owner } = await t.core.organizations.create({
      name: "Sole Owner",
      owner: { email: `sole-${counter++}@example.com`, password: "sole-owner-password" },
    });
    const actor = { type: "user" as const, id: owner.id, label: owner.email, remoteAddress: null };
    await t.core.members.setRole({ organizationId: organization.id, actor, role: "owner" }, owner.id, "owner");
    expect(await t.core.members.role(organization.id, owner.id)).toBe("owner");
  });

  it("answers changing or removing a user who is no member as not found", async () => {
    const stranger = await t.core.users.create({
      email: `stranger-${counter++}@example.com`,
      password: "stranger-pass",
    });
    const scope = operatorScope(organizationId, "test");
    const notFound = { code: "NOT_FOUND", message: "Member not found" };
    await expect(t.core.members.setRole(scope, stranger.id, "viewer")).rejects.toMatchObject(notFound);
    await expect(t.core.members.remove(scope, stranger.id)).rejects.toMatchObject(notFound);
    expect(await t.core.members.role(organizationId, stranger.id)).toBeUndefined();
  });

  it("audits a member's joining, role change and removal, naming the member and the role", async () => {
    const viewer = await member("viewer");
    const scope = operatorScope(organizationId, "test");
    await t.core.members.setRole(scope, viewer.id, "admin");
    await t.core.members.remove(scope, viewer.id);

    const target = { targetType: "member", targetId: viewer.id };
    expect(await auditEntries(t.core, organizationId, viewer.id)).toEqual([
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
