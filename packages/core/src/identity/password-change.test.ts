import { randomUUID } from "node:crypto";
import { schema } from "@relaypost/db";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { systemActor } from "../actor";
import type { UserActor } from "./password-change";
import { useCore } from "./test-support";
import { USER_PASSWORD_MIN_LENGTH } from "./users";

describe("changing one's password", () => {
  const t = useCore();
  let counter = 0;

  /** An organization owner signed in on three devices; the first is the one changing the password. */
  async function ownerOnThreeDevices(password: string) {
    const email = `changer-${counter++}@example.com`;
    const { organization, owner } = await t.core.organizations.create({
      name: `Changer ${counter}`,
      owner: { email, password },
    });
    const tokens = await Promise.all([1, 2, 3].map(async () => (await t.core.sessions.create(owner.id)).token));
    const current = await t.core.sessions.resolve(tokens[0] ?? "");
    const actor: UserActor = { type: "user", id: owner.id, label: email, remoteAddress: "192.0.2.9" };
    return { organization, email, actor, tokens, currentSessionId: current?.sessionId ?? "" };
  }

  const resolving = (tokens: string[]) =>
    Promise.all(tokens.map(async (token) => (await t.core.sessions.resolve(token)) !== undefined));

  it("stores the new password, ends every other session and keeps the current one, and audits it", async () => {
    const { organization, email, actor, tokens, currentSessionId } = await ownerOnThreeDevices("old-password-1");

    const result = await t.core.users.changePassword(actor, "old-password-1", "new-password-1", currentSessionId);

    expect(result).toEqual({ sessionsEnded: 2 });
    expect(await resolving(tokens)).toEqual([true, false, false]);
    expect(await t.core.users.signIn(email, "old-password-1", null)).toMatchObject({ ok: false, reason: "invalid" });
    expect(await t.core.users.signIn(email, "new-password-1", null)).toMatchObject({
      ok: true,
      user: { id: actor.id },
    });
    const { items } = await t.core.auditLog.list(organization.id, { limit: 10 });
    expect(items[0]).toMatchObject({
      action: "user.password_changed",
      actorLabel: email,
      targetType: "user",
      targetId: actor.id,
      remoteAddress: "192.0.2.9",
      metadata: { sessionsEnded: 2 },
    });
    expect(JSON.stringify(items)).not.toMatch(/new-password-1|old-password-1|argon2/);
  });

  it("refuses a wrong current password on its field and changes nothing", async () => {
    const { organization, email, actor, tokens, currentSessionId } = await ownerOnThreeDevices("right-password-1");
    const [before] = await t.database.db.select().from(schema.users).where(eq(schema.users.id, actor.id));

    await expect(
      t.core.users.changePassword(actor, "wrong-password-1", "new-password-1", currentSessionId),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Your current password is not correct",
      field: "currentPassword",
    });

    const [after] = await t.database.db.select().from(schema.users).where(eq(schema.users.id, actor.id));
    expect(after?.passwordHash).toBe(before?.passwordHash);
    expect(await resolving(tokens)).toEqual([true, true, true]);
    expect(await t.core.users.signIn(email, "right-password-1", null)).toMatchObject({ ok: true });
    const { items } = await t.core.auditLog.list(organization.id, { limit: 10 });
    expect(items.map((i) => i.action)).not.toContain("user.password_changed");
  });

  it("refuses a new password one character below the minimum on its field, keeping every session", async () => {
    const { actor, tokens, currentSessionId } = await ownerOnThreeDevices("right-password-2");
    await expect(
      t.core.users.changePassword(
        actor,
        "right-password-2",
        "p".repeat(USER_PASSWORD_MIN_LENGTH - 1),
        currentSessionId,
      ),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Password must be at least 10 characters",
      field: "newPassword",
    });
    expect(await resolving(tokens)).toEqual([true, true, true]);
  });

  it("accepts a new password of exactly the minimum length", async () => {
    const { email, actor, currentSessionId } = await ownerOnThreeDevices("right-password-3");
    const exact = "p".repeat(USER_PASSWORD_MIN_LENGTH);
    await expect(t.core.users.changePassword(actor, "right-password-3", exact, currentSessionId)).resolves.toEqual({
      sessionsEnded: 2,
    });
    expect(await t.core.users.signIn(email, exact, null)).toMatchObject({ ok: true });
  });

  it("answers a change for an account that no longer exists as not found", async () => {
    const gone: UserActor = { type: "user", id: randomUUID(), label: "gone@example.com", remoteAddress: null };
    await expect(
      t.core.users.changePassword(gone, "any-password-1", "new-password-1", randomUUID()),
    ).rejects.toMatchObject({ code: "NOT_FOUND", message: "User not found" });
  });

  it("refuses the second of two changes made with the same current password", async () => {
    const { email, actor, currentSessionId } = await ownerOnThreeDevices("contested-password");
    const results = await Promise.allSettled([
      t.core.users.changePassword(actor, "contested-password", "first-new-password", currentSessionId),
      t.core.users.changePassword(actor, "contested-password", "second-new-password", currentSessionId),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const winner = results[0]?.status === "fulfilled" ? "first-new-password" : "second-new-password";
    expect(await t.core.users.signIn(email, winner, null)).toMatchObject({ ok: true });
  });

  describe("the operator's reset", () => {
    const operator = systemActor("cli");

    it("stores the new password without the old one, ends every session, and audits it as the operator's", async () => {
      const { organization, email, actor, tokens } = await ownerOnThreeDevices("forgotten-password");

      const result = await t.core.users.resetPassword(operator, email.toUpperCase(), "reset-password-1");

      expect(result).toEqual({ userId: actor.id, sessionsEnded: 3 });
      expect(await resolving(tokens)).toEqual([false, false, false]);
      expect(await t.core.users.signIn(email, "forgotten-password", null)).toMatchObject({ ok: false });
      expect(await t.core.users.signIn(email, "reset-password-1", null)).toMatchObject({ ok: true });
      const { items } = await t.core.auditLog.list(organization.id, { limit: 10 });
      expect(items[0]).toMatchObject({
        action: "user.password_changed",
        actorType: "system",
        actorLabel: "cli",
        targetId: actor.id,
        metadata: { sessionsEnded: 3, reset: true },
      });
      expect(JSON.stringify(items)).not.toMatch(/reset-password-1|argon2/);
    });

    it("refuses an unknown email as not found and a short password on its field", async () => {
      await expect(t.core.users.resetPassword(operator, "nobody@example.com", "long-enough-1")).rejects.toMatchObject({
        code: "NOT_FOUND",
        message: "User not found",
      });
      const { email, tokens } = await ownerOnThreeDevices("kept-password-1");
      await expect(t.core.users.resetPassword(operator, email, "short")).rejects.toMatchObject({
        code: "BAD_REQUEST",
        field: "password",
      });
      expect(await resolving(tokens)).toEqual([true, true, true]);
    });
  });
});
