import type { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ZodError } from "zod";
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

  it("signs a newcomer up straight into the inviting organization, with no organization of their own", async () => {
    const owner = await h.asSession(org.owner.sessionToken, org.id);
    const { token } = await owner.members.invite({ role: "admin" });
    const resHeaders = new Headers();
    const caller = await h.callerFor({}, "198.51.100.9", resHeaders);
    const signedUp = await caller.auth.signUp({
      email: "Newcomer@Example.com",
      password: "newcomer-password",
      invitationToken: token,
    });
    expect(signedUp.organization).toMatchObject({ id: org.id });
    const session = /relaypost_session=([^;]*)/.exec(resHeaders.get("set-cookie") ?? "")?.[1] ?? "";
    const me = await (await h.asSession(session)).auth.me();
    expect(me?.user.email).toBe("newcomer@example.com");
    expect(me?.organizations).toEqual([expect.objectContaining({ id: org.id, role: "admin" })]);
    expect(await owner.members.invitations()).toEqual([]);
    const joined = (await owner.auditLog.list({ limit: 50 })).items.find(
      (e) => e.action === "member.joined" && e.targetId === signedUp.user.id,
    );
    expect(joined).toMatchObject({ actorLabel: "newcomer@example.com", remoteAddress: "198.51.100.9" });
  });

  it("creates no account when the link is spent, so the same email can sign up later", async () => {
    const owner = await h.asSession(org.owner.sessionToken, org.id);
    const { token } = await owner.members.invite({ role: "viewer" });
    await (await h.anonymous()).auth.signUp({
      email: "first@example.com",
      password: "first-password",
      invitationToken: token,
    });
    const account = { email: "second@example.com", password: "second-password" };
    await expect((await h.anonymous()).auth.signUp({ ...account, invitationToken: token })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const later = await (await h.anonymous()).auth.signUp({ ...account, organizationName: "Second's own" });
    expect(later.user.email).toBe("second@example.com");
  });

  it("asks for an organization name without an invitation, and refuses both at once, on the name field", async () => {
    const owner = await h.asSession(org.owner.sessionToken, org.id);
    const { token } = await owner.members.invite({ role: "viewer" });
    const anonymous = await h.anonymous();
    const account = { email: "fields@example.com", password: "fields-password" };
    for (const input of [account, { ...account, organizationName: "Mine", invitationToken: token }]) {
      const error = await anonymous.auth.signUp(input).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "BAD_REQUEST" });
      expect(((error as TRPCError).cause as ZodError).issues.map((issue) => issue.path)).toEqual([
        ["organizationName"],
      ]);
    }
    // Neither attempt spent the link.
    expect(await owner.members.invitations()).toHaveLength(1);
  });

  it("keeps invitations from viewers and ownership invitations from admins", async () => {
    const viewer = await h.asSession((await h.addMember(org.id, "viewer")).sessionToken, org.id);
    await expect(viewer.members.invite({ role: "viewer" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(viewer.members.invitations()).rejects.toMatchObject({ code: "FORBIDDEN" });
    const admin = await h.asSession((await h.addMember(org.id, "admin")).sessionToken, org.id);
    await expect(admin.members.invite({ role: "owner" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(admin.members.invite({ role: "admin" })).resolves.toMatchObject({ invitation: { role: "admin" } });
    const adminKey = await h.asApiKey((await h.createApiKey(org.id, "admin")).token);
    await expect(adminKey.members.invite({ role: "owner" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await admin.members.invitations()).map((i) => i.role)).not.toContain("owner");
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
