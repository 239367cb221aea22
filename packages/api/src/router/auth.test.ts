import { CSRF_HEADER, SESSION_COOKIE } from "@relaypost/contract";
import { SESSION_LIFETIME_MS } from "@relaypost/core";
import { schema } from "@relaypost/db";
import type { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ZodError } from "zod";
import { createContext } from "../context";
import { appRouter } from "../root";
import { type ApiHarness, createApiHarness, failure, fieldErrors } from "../testing";
import { createCallerFactory } from "../trpc";

const createCaller = createCallerFactory(appRouter);

/** Core's session lifetime in seconds: what a cookie's Max-Age may at most be. */
const SESSION_LIFETIME_SECONDS = SESSION_LIFETIME_MS / 1000;

describe("auth", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await createApiHarness();
  });
  afterAll(() => h.destroy());

  /** A caller whose response headers the test can read, as the HTTP adapter would send them. */
  async function withResponse(headers: Record<string, string> = {}, secure = false) {
    const resHeaders = new Headers();
    const caller = createCaller(
      await createContext(h.core, { headers: new Headers(headers), remoteAddress: "198.51.100.1", resHeaders, secure }),
    );
    return { caller, resHeaders };
  }

  const sessionFrom = (resHeaders: Headers) =>
    /relaypost_session=([^;]*)/.exec(resHeaders.get("set-cookie") ?? "")?.[1];

  /** Signs up, then signs in as the dashboard does next; the sign-in's response carries the session cookie. */
  async function signUpAndIn(input: { email: string; password: string; organizationName: string }, secure = false) {
    const signUp = await withResponse({}, secure);
    await signUp.caller.auth.signUp(input);
    const signIn = await withResponse({}, secure);
    await signIn.caller.auth.signIn({ email: input.email, password: input.password });
    return { signUp, signIn, token: sessionFrom(signIn.resHeaders) ?? "" };
  }

  it("signs up a user with an organization they own; signing in sets an HttpOnly, SameSite=Lax session cookie", async () => {
    const { signUp, signIn, token } = await signUpAndIn({
      email: "Ada@Example.com",
      password: "analytical-engine",
      organizationName: "Analytical Engines",
    });
    expect(signUp.resHeaders.get("set-cookie")).toBeNull();
    const cookie = signIn.resHeaders.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const me = await (await h.callerFor({ cookie: `${SESSION_COOKIE}=${token}` })).auth.me();
    expect(me?.user.email).toBe("ada@example.com");
    expect(me?.organizations).toEqual([
      expect.objectContaining({ role: "owner", name: "Analytical Engines", slug: "analytical-engines" }),
    ]);
  });

  it("sets the session cookie for the whole site, for as long as the session lives, counted in seconds", async () => {
    const { signIn, token } = await signUpAndIn({
      email: "cookie@example.com",
      password: "cookie-password-1",
      organizationName: "Cookies",
    });
    const cookie = signIn.resHeaders.get("set-cookie") ?? "";
    expect(cookie.split("; ")).toEqual([
      `relaypost_session=${token}`,
      "Path=/",
      "HttpOnly",
      "SameSite=Lax",
      expect.stringMatching(/^Max-Age=\d+$/),
    ]);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(SESSION_LIFETIME_SECONDS);
  });

  it("signs in where there are no response headers to set a cookie on, as over a WebSocket", async () => {
    await signUpAndIn({ email: "socket@example.com", password: "socket-password-1", organizationName: "Sockets" });
    const caller = createCaller(await createContext(h.core, { headers: new Headers(), remoteAddress: "198.51.100.1" }));
    const { user } = await caller.auth.signIn({ email: "socket@example.com", password: "socket-password-1" });
    expect(user.email).toBe("socket@example.com");
  });

  it("marks the cookie Secure when the request arrived over HTTPS", async () => {
    const { signIn } = await signUpAndIn(
      { email: "secure@example.com", password: "secure-password", organizationName: "Sec" },
      true,
    );
    expect(signIn.resHeaders.get("set-cookie")).toMatch(/Secure/);
  });

  /** How many rows every table a sign-up could write holds. */
  const rowCounts = async () => {
    const { db } = h.database;
    const tables = [schema.users, schema.organizations, schema.memberships, schema.invitations, schema.auditLog];
    return Promise.all(tables.map((table) => db.$count(table)));
  };

  it("answers a taken address, in any case, exactly what a new address gets, with the same hashing, and creates nothing", async () => {
    await signUpAndIn({ email: "taken@example.com", password: "owner-password-1", organizationName: "Taken" });
    const hashing = vi.spyOn(h.hasher, "hash");
    const probe = { password: "attacker-password", organizationName: "Probe" };
    const fresh = await withResponse();
    const freshAnswer = await fresh.caller.auth.signUp({ ...probe, email: "brand-new@example.com" });
    const freshHashes = hashing.mock.calls.length;
    expect(freshHashes).toBe(1);
    const before = await rowCounts();
    const taken = await withResponse();
    const takenAnswer = await taken.caller.auth.signUp({ ...probe, email: "TAKEN@example.com" });
    expect(takenAnswer).toEqual(freshAnswer);
    expect([...taken.resHeaders]).toEqual([...fresh.resHeaders]);
    expect(hashing.mock.calls.length - freshHashes).toBe(freshHashes);
    hashing.mockRestore();
    expect(await rowCounts()).toEqual(before);

    const { caller } = await withResponse();
    const wrong = await caller.auth.signIn({ email: "taken@example.com", password: probe.password }).catch((e) => e);
    const unknown = await caller.auth.signIn({ email: "nobody@example.com", password: probe.password }).catch((e) => e);
    expect(wrong).toMatchObject({ code: "UNAUTHORIZED", message: (unknown as TRPCError).message });
    const owner = await caller.auth.signIn({ email: "taken@example.com", password: "owner-password-1" });
    expect(owner.user.email).toBe("taken@example.com");
    const signedIn = await withResponse();
    await signedIn.caller.auth.signIn({ email: "taken@example.com", password: "owner-password-1" });
    const me = await (await h.callerFor({ cookie: `${SESSION_COOKIE}=${sessionFrom(signedIn.resHeaders)}` })).auth.me();
    expect(me?.organizations.map((o) => o.name)).toEqual(["Taken"]);
  });

  it("rejects short passwords and invalid emails with BAD_REQUEST", async () => {
    const { caller } = await withResponse();
    for (const input of [
      { email: "short@example.com", password: "short", organizationName: "A" },
      { email: "not-an-email", password: "long-enough-password", organizationName: "A" },
      { email: "x@example.com", password: "long-enough-password", organizationName: "" },
    ]) {
      await expect(caller.auth.signUp(input)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
  });

  it("asks for an organization name without an invitation, and refuses one beside an invitation, saying why", async () => {
    const { caller } = await withResponse();
    const account = { email: "refine@example.com", password: "refine-password-1" };
    const missing = await failure(caller.auth.signUp(account));
    expect((missing.cause as ZodError).issues).toEqual([
      expect.objectContaining({ code: "custom", path: ["organizationName"], message: "Name your organization" }),
    ]);
    const both = caller.auth.signUp({ ...account, organizationName: "Mine", invitationToken: "rpinv_any" });
    const error = await failure(both);
    expect((error.cause as ZodError).issues).toEqual([
      expect.objectContaining({
        code: "custom",
        path: ["organizationName"],
        message: "An invitation joins the organization that sent it; leave the organization name out",
      }),
    ]);
    expect(await fieldErrors(caller.auth.signUp(account))).toEqual({ organizationName: ["Name your organization"] });
  });

  it("refuses a wrong password with UNAUTHORIZED and a message that names neither field", async () => {
    await signUpAndIn({ email: "wrong@example.com", password: "right-password-1", organizationName: "Wrong" });
    const { caller } = await withResponse();
    expect(
      await failure(caller.auth.signIn({ email: "wrong@example.com", password: "wrong-password-1" })),
    ).toMatchObject({ code: "UNAUTHORIZED", message: "Email or password is incorrect" });
  });

  it("signs in with the right password only, with one message for unknown email and wrong password", async () => {
    const { caller } = await withResponse();
    await signUpAndIn({ email: "grace@example.com", password: "cobol-is-fine", organizationName: "Navy" });
    const wrong = await caller.auth
      .signIn({ email: "grace@example.com", password: "fortran-is-fine" })
      .catch((e: TRPCError) => e);
    const unknown = await caller.auth
      .signIn({ email: "nobody@example.com", password: "cobol-is-fine" })
      .catch((e: TRPCError) => e);
    expect(wrong).toMatchObject({ code: "UNAUTHORIZED" });
    expect(unknown).toMatchObject({ code: "UNAUTHORIZED", message: (wrong as TRPCError).message });
    const ok = await withResponse();
    await expect(
      ok.caller.auth.signIn({ email: "GRACE@example.com", password: "cobol-is-fine" }),
    ).resolves.toBeTruthy();
    expect(sessionFrom(ok.resHeaders)).toBeTruthy();
  });

  it("signing out kills the session token everywhere and clears the cookie", async () => {
    const { token } = await signUpAndIn({
      email: "out@example.com",
      password: "password-out-1",
      organizationName: "Out",
    });
    const signedIn = await withResponse({ cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: "1" });
    await expect(signedIn.caller.auth.signOut()).resolves.toEqual({ signedOut: true });
    expect(signedIn.resHeaders.get("set-cookie")).toMatch(/Max-Age=0/);
    const after = await h.callerFor({ cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: "1" });
    expect(await after.auth.me()).toBeNull();
    await expect(after.smtpCredentials.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("asks a user in several organizations to choose one, and acts in the chosen one", async () => {
    const org = await h.createOrganization();
    const session = await h.asSession(org.owner.sessionToken);
    await session.organizations.create({ name: "Second org" });
    await expect(session.smtpCredentials.list()).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect((await h.asSession(org.owner.sessionToken, org.id)).smtpCredentials.list()).resolves.toEqual({
      items: [],
      nextCursor: null,
      total: 0,
    });
  });
});
