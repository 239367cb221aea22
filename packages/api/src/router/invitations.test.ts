import type { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ZodError } from "zod";
import { type ApiHarness, createApiHarness, type TestOrganization } from "../testing";

describe("members invitations", () => {
  let h: ApiHarness;
  let org: TestOrganization;

  beforeAll(async () => {
    h = await createApiHarness();
  });
  afterAll(() => h.destroy());
  // Each test counts its organization's links and members, so none may see another's.
  beforeEach(async () => {
    org = await h.createOrganization();
  });

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
    await expect((await h.anonymous()).members.previewInvitation({ token })).resolves.toMatchObject({
      organizationSlug: org.slug,
      role: "viewer",
    });
    await expect(joiner.caller.members.acceptInvitation({ token })).resolves.toEqual({
      organizationId: org.id,
      role: "viewer",
    });
    expect((await owner.members.list()).find((m) => m.userId === joiner.id)?.role).toBe("viewer");
    expect(await owner.members.invitations()).toEqual([]);

    const late = await newUserSession();
    const spent = { code: "NOT_FOUND", cause: expect.objectContaining({ reason: "used" }) };
    await expect(late.caller.members.acceptInvitation({ token })).rejects.toMatchObject(spent);
    // Where a link leads, and why it no longer does, is told before signing in too.
    await expect(h.anonymous().then((c) => c.members.previewInvitation({ token }))).rejects.toMatchObject(spent);

    const actions = (await owner.auditLog.list({ limit: 50 })).items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["invitation.created", "member.joined"]));
  });

  /** Signs in as the dashboard does right after sign-up; the session and the user come from the sign-in. */
  async function signIn(email: string, password: string) {
    const resHeaders = new Headers();
    const { user } = await (await h.callerFor({}, "198.51.100.9", resHeaders)).auth.signIn({ email, password });
    const session = /relaypost_session=([^;]*)/.exec(resHeaders.get("set-cookie") ?? "")?.[1] ?? "";
    return { user, caller: await h.asSession(session) };
  }

  it("signs a newcomer up straight into the inviting organization, with no organization of their own", async () => {
    const owner = await h.asSession(org.owner.sessionToken, org.id);
    const { token } = await owner.members.invite({ role: "admin" });
    const caller = await h.callerFor({}, "198.51.100.9");
    const account = { email: "Newcomer@Example.com", password: "newcomer-password" };
    await expect(caller.auth.signUp({ ...account, invitationToken: token })).resolves.toEqual({ status: "ok" });
    const { user, caller: session } = await signIn(account.email, account.password);
    const me = await session.auth.me();
    expect(me?.user.email).toBe("newcomer@example.com");
    expect(me?.organizations).toEqual([expect.objectContaining({ id: org.id, role: "admin" })]);
    expect(await owner.members.invitations()).toEqual([]);
    const joined = (await owner.auditLog.list({ limit: 50 })).items.find(
      (e) => e.action === "member.joined" && e.targetId === user.id,
    );
    expect(joined).toMatchObject({ actorLabel: "newcomer@example.com", remoteAddress: "198.51.100.9" });
  });

  it("answers a sign-up through a link with a taken address exactly like a new one, and leaves the link unspent", async () => {
    const owner = await h.asSession(org.owner.sessionToken, org.id);
    const existing = await h.createOrganization();
    const link = await owner.members.invite({ role: "viewer" });
    const probe = { password: "attacker-password", invitationToken: link.token };
    const takenHeaders = new Headers();
    const taken = await (await h.callerFor({}, "198.51.100.9", takenHeaders)).auth.signUp({
      ...probe,
      email: existing.owner.email.toUpperCase(),
    });
    expect((await owner.members.list()).map((m) => m.email)).not.toContain(existing.owner.email);
    expect(await owner.members.invitations()).toEqual([expect.objectContaining({ id: link.invitation.id })]);

    const freshHeaders = new Headers();
    const fresh = await (await h.callerFor({}, "198.51.100.9", freshHeaders)).auth.signUp({
      ...probe,
      email: "fresh-invitee@example.com",
    });
    expect(taken).toEqual(fresh);
    expect([...takenHeaders]).toEqual([...freshHeaders]);
    // Both now face a spent link; the answer still cannot tell an existing address from a new one.
    const spent = async (email: string) =>
      (await h.anonymous()).auth.signUp({ ...probe, email }).catch((e: TRPCError) => [e.code, e.message]);
    expect(await spent(existing.owner.email)).toEqual(await spent("another-new@example.com"));

    await expect(signIn(existing.owner.email, probe.password)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const real = await signIn(existing.owner.email, "owner-password-1");
    expect((await real.caller.auth.me())?.organizations.map((o) => o.id)).toEqual([existing.id]);
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
    await expect(signIn(account.email, account.password)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await (await h.anonymous()).auth.signUp({ ...account, organizationName: "Second's own" });
    const later = await signIn(account.email, account.password);
    expect((await later.caller.auth.me())?.organizations.map((o) => o.name)).toEqual(["Second's own"]);
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

  it("answers a role change, a removal and a revoked link with what was changed", async () => {
    const owner = await h.asSession(org.owner.sessionToken, org.id);
    const member = await h.addMember(org.id, "viewer");
    await expect(owner.members.setRole({ userId: member.id, role: "admin" })).resolves.toEqual({
      userId: member.id,
      role: "admin",
    });
    expect((await owner.members.list()).find((m) => m.userId === member.id)?.role).toBe("admin");
    await expect(owner.members.remove({ userId: member.id })).resolves.toEqual({ userId: member.id });
    expect((await owner.members.list()).map((m) => m.userId)).not.toContain(member.id);
    const { invitation } = await owner.members.invite({ role: "viewer" });
    await expect(owner.members.revokeInvitation({ id: invitation.id })).resolves.toEqual({ id: invitation.id });
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
