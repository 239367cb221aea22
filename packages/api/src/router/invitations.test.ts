import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness, type TestOrganization } from "../testing";

describe("members invitations", () => {
  let h: ApiHarness;
  let org: TestOrganization;

  beforeAll(async () => {
    h = await createApiHarness();
    org = await h.createOrganization();
  });
  afterAll(() => h.destroy());

  async function newUserSession() {
    const other = await h.createOrganization();
    return { id: other.owner.id, caller: await h.asSession(other.owner.sessionToken, org.id) };
  }

  it("lets a signed-in user join through a link with its role, once, with audit entries", async () => {
    const owner = await h.asSession(org.owner.sessionToken, org.id);
    const { invitation, token } = await owner.members.invite({ role: "viewer" });
    expect(await owner.members.invitations()).toEqual([expect.objectContaining({ id: invitation.id, role: "viewer" })]);

    const joiner = await newUserSession();
    await expect(joiner.caller.members.previewInvitation({ token })).resolves.toMatchObject({ role: "viewer" });
    await expect(joiner.caller.members.acceptInvitation({ token })).resolves.toEqual({
      organizationId: org.id,
      role: "viewer",
    });
    expect((await owner.members.list()).find((m) => m.userId === joiner.id)?.role).toBe("viewer");
    expect(await owner.members.invitations()).toEqual([]);

    const late = await newUserSession();
    await expect(late.caller.members.acceptInvitation({ token })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const actions = (await owner.auditLog.list({ limit: 50 })).items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["invitation.created", "member.joined"]));
  });

  it("keeps invitations from viewers and ownership invitations from admins", async () => {
    const viewer = await h.asSession((await h.addMember(org.id, "viewer")).sessionToken, org.id);
    await expect(viewer.members.invite({ role: "viewer" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(viewer.members.invitations()).rejects.toMatchObject({ code: "FORBIDDEN" });
    const admin = await h.asSession((await h.addMember(org.id, "admin")).sessionToken, org.id);
    await expect(admin.members.invite({ role: "owner" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(admin.members.invite({ role: "admin" })).resolves.toMatchObject({ invitation: { role: "admin" } });
  });

  it("revokes a link so it no longer admits anyone, and hides other organizations' links", async () => {
    const owner = await h.asSession(org.owner.sessionToken, org.id);
    const { invitation, token } = await owner.members.invite({ role: "admin" });
    const other = await h.createOrganization();
    const otherOwner = await h.asSession(other.owner.sessionToken, other.id);
    await expect(otherOwner.members.revokeInvitation({ id: invitation.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await otherOwner.members.invitations()).toEqual([]);
    await owner.members.revokeInvitation({ id: invitation.id });
    const joiner = await newUserSession();
    await expect(joiner.caller.members.acceptInvitation({ token })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("needs a signed-in user to accept, not an API key or nobody", async () => {
    const { token } = await (await h.asSession(org.owner.sessionToken, org.id)).members.invite({ role: "viewer" });
    const key = await h.createApiKey(org.id);
    await expect((await h.asApiKey(key.token)).members.acceptInvitation({ token })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    await expect((await h.anonymous()).members.acceptInvitation({ token })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});
