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

  /** A member with `role`, admitted by invitation, and the scope they act with. */
  async function member(role: Role): Promise<{ id: string; scope: RoleScope }> {
    const email = `${role}-${counter++}@example.com`;
    const user = await core.users.create({ email, password: "member-password" });
    const actor = { type: "user" as const, id: user.id, label: email, remoteAddress: null };
    const { token } = await core.invitations.create(operatorScope(organizationId, "test"), role);
    await core.invitations.accept(actor, token);
    return { id: user.id, scope: { organizationId, actor, role } };
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
    await expect(core.members.setRole(owner.scope, owner.id, "admin")).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(core.members.remove(owner.scope, owner.id)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await core.members.role(organizationId, owner.id)).toBe("owner");
  });
});
