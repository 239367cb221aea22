import { CSRF_HEADER, SESSION_COOKIE } from "@relaypost/contract";
import { DomainError } from "@relaypost/core";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../context";
import { appRouter } from "../root";
import { type ApiHarness, createApiHarness } from "../testing";
import { createCallerFactory } from "../trpc";

const createCaller = createCallerFactory(appRouter);

describe("account", () => {
  let h: ApiHarness;
  let counter = 0;
  beforeAll(async () => {
    h = await createApiHarness();
  });
  afterAll(() => h.destroy());

  /** A caller on `token`'s session whose response headers (Set-Cookie) the test can read. */
  async function onSession(token: string) {
    const resHeaders = new Headers();
    const headers = new Headers({ cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: "1" });
    const caller = createCaller(await createContext(h.core, { headers, remoteAddress: "198.51.100.7", resHeaders }));
    return { caller, resHeaders };
  }

  /** Signs in over the API from a browser described by `userAgent`; returns the session token it set. */
  async function signIn(email: string, password: string, userAgent: string, remoteAddress: string) {
    const resHeaders = new Headers();
    const headers = new Headers({ "user-agent": userAgent });
    const caller = createCaller(await createContext(h.core, { headers, remoteAddress, resHeaders }));
    await caller.auth.signIn({ email, password });
    return /relaypost_session=([^;]+)/.exec(resHeaders.get("set-cookie") ?? "")?.[1] ?? "";
  }

  async function userOnTwoBrowsers() {
    const email = `account-${counter++}@example.com`;
    await h.core.users.create({ email, password: "first-password-1" });
    const laptop = await signIn(email, "first-password-1", "Firefox on Linux", "192.0.2.10");
    const phone = await signIn(email, "first-password-1", "Safari on iOS", "192.0.2.20");
    return { email, laptop, phone };
  }

  const isSignedIn = async (token: string) => (await (await onSession(token)).caller.auth.me()) !== null;

  it("lists the caller's own sessions with the browser and address they signed in from, marking this one", async () => {
    const { laptop, phone } = await userOnTwoBrowsers();
    await userOnTwoBrowsers();
    const sessions = await (await onSession(laptop)).caller.account.sessions();
    expect(sessions).toHaveLength(2);
    expect(sessions.find((s) => s.current)).toMatchObject({
      userAgent: "Firefox on Linux",
      remoteAddress: "192.0.2.10",
    });
    expect(sessions.find((s) => !s.current)).toMatchObject({ userAgent: "Safari on iOS", remoteAddress: "192.0.2.20" });
    expect(JSON.stringify(sessions)).not.toContain(laptop);
    expect(JSON.stringify(sessions)).not.toContain(phone);
  });

  it("changes the password: the other session is signed out, this one stays, and only the new password works", async () => {
    const { email, laptop, phone } = await userOnTwoBrowsers();
    const { caller } = await onSession(laptop);
    await expect(
      caller.account.changePassword({ currentPassword: "first-password-1", newPassword: "second-password-2" }),
    ).resolves.toEqual({ sessionsEnded: 1 });
    expect([await isSignedIn(laptop), await isSignedIn(phone)]).toEqual([true, false]);
    await expect(signIn(email, "first-password-1", "x", "192.0.2.30")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(signIn(email, "second-password-2", "x", "192.0.2.30")).resolves.toBeTruthy();
  });

  it("refuses a wrong current password on that field, and nothing changes", async () => {
    const { email, laptop, phone } = await userOnTwoBrowsers();
    const error = await (await onSession(laptop)).caller.account
      .changePassword({ currentPassword: "not-my-password", newPassword: "second-password-2" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).cause).toBeInstanceOf(DomainError);
    expect(((error as TRPCError).cause as DomainError).field).toBe("currentPassword");
    expect([await isSignedIn(laptop), await isSignedIn(phone)]).toEqual([true, true]);
    await expect(signIn(email, "first-password-1", "x", "192.0.2.30")).resolves.toBeTruthy();
  });

  it("ends another of one's sessions by id, and answers another user's session id with NOT_FOUND", async () => {
    const mine = await userOnTwoBrowsers();
    const theirs = await userOnTwoBrowsers();
    const { caller } = await onSession(mine.laptop);
    const theirSession = (await (await onSession(theirs.laptop)).caller.account.sessions()).find((s) => s.current);
    await expect(caller.account.endSession({ id: theirSession?.id ?? "" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await isSignedIn(theirs.laptop)).toBe(true);

    const phone = (await caller.account.sessions()).find((s) => !s.current);
    await caller.account.endSession({ id: phone?.id ?? "" });
    expect([await isSignedIn(mine.laptop), await isSignedIn(mine.phone)]).toEqual([true, false]);
  });

  it("answers the ended session's id, and clears the cookie only when the session ended is this one", async () => {
    const { laptop, phone } = await userOnTwoBrowsers();
    const sessions = await (await onSession(laptop)).caller.account.sessions();
    const thisId = sessions.find((s) => s.current)?.id ?? "";
    const otherId = sessions.find((s) => !s.current)?.id ?? "";
    const onLaptop = await onSession(laptop);
    await expect(onLaptop.caller.account.endSession({ id: otherId })).resolves.toEqual({ id: otherId });
    expect(onLaptop.resHeaders.get("set-cookie")).toBeNull();
    expect([await isSignedIn(laptop), await isSignedIn(phone)]).toEqual([true, false]);

    const again = await onSession(laptop);
    await expect(again.caller.account.endSession({ id: thisId })).resolves.toEqual({ id: thisId });
    expect(again.resHeaders.get("set-cookie")).toMatch(/^relaypost_session=; Path=\/; .*Max-Age=0/);
    expect(await isSignedIn(laptop)).toBe(false);
  });

  it("records a password change in the user's organization as done by that user", async () => {
    const org = await h.createOrganization();
    const { caller } = await onSession(org.owner.sessionToken);
    await caller.account.changePassword({ currentPassword: "owner-password-1", newPassword: "second-password-2" });
    const audit = await (await h.asSession(org.owner.sessionToken, org.id)).auditLog.list({
      actions: ["user.password_changed"],
    });
    expect(audit.items).toEqual([
      expect.objectContaining({
        actorType: "user",
        actorLabel: org.owner.email,
        targetId: org.owner.id,
        remoteAddress: "198.51.100.7",
      }),
    ]);
    const actors = await (await h.asSession(org.owner.sessionToken, org.id)).auditLog.actors();
    expect(actors).toContainEqual(expect.objectContaining({ type: "user", actor: `user:${org.owner.id}` }));
  });

  it("signs out everywhere: every session ends, this one too, and the cookie is cleared", async () => {
    const mine = await userOnTwoBrowsers();
    const theirs = await userOnTwoBrowsers();
    const { caller, resHeaders } = await onSession(mine.laptop);
    await expect(caller.account.signOutEverywhere()).resolves.toEqual({ sessionsEnded: 2 });
    expect(resHeaders.get("set-cookie")).toMatch(/relaypost_session=;.*Max-Age=0/);
    expect([await isSignedIn(mine.laptop), await isSignedIn(mine.phone), await isSignedIn(theirs.laptop)]).toEqual([
      false,
      false,
      true,
    ]);
  });

  it("refuses API keys: the account belongs to a signed-in user", async () => {
    const org = await h.createOrganization();
    const { token } = await h.createApiKey(org.id);
    await expect((await h.asApiKey(token)).account.sessions()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
