import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSRF_HEADER, createContext, SESSION_COOKIE } from "../context";
import { appRouter } from "../root";
import { type ApiHarness, createApiHarness } from "../testing";
import { createCallerFactory } from "../trpc";

const createCaller = createCallerFactory(appRouter);

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

  it("signs up a user with an organization they own and sets an HttpOnly, SameSite=Lax session cookie", async () => {
    const { caller, resHeaders } = await withResponse();
    const result = await caller.auth.signUp({
      email: "Ada@Example.com",
      password: "analytical-engine",
      organizationName: "Analytical Engines",
    });
    expect(result.organization).toMatchObject({ name: "Analytical Engines", slug: "analytical-engines" });
    const cookie = resHeaders.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const token = sessionFrom(resHeaders) ?? "";
    const me = await (await h.callerFor({ cookie: `${SESSION_COOKIE}=${token}` })).auth.me();
    expect(me?.user.email).toBe("ada@example.com");
    expect(me?.organizations).toEqual([expect.objectContaining({ role: "owner", slug: "analytical-engines" })]);
  });

  it("marks the cookie Secure when the request arrived over HTTPS", async () => {
    const { caller, resHeaders } = await withResponse({}, true);
    await caller.auth.signUp({ email: "secure@example.com", password: "secure-password", organizationName: "Sec" });
    expect(resHeaders.get("set-cookie")).toMatch(/Secure/);
  });

  it("refuses a second account with the same email, case-insensitively, on the email field", async () => {
    const { caller } = await withResponse();
    await caller.auth.signUp({ email: "dup@example.com", password: "password-123", organizationName: "A" });
    const error = await caller.auth
      .signUp({ email: "DUP@example.com", password: "password-123", organizationName: "B" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("CONFLICT");
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

  it("signs in with the right password only, with one message for unknown email and wrong password", async () => {
    const { caller } = await withResponse();
    await caller.auth.signUp({ email: "grace@example.com", password: "cobol-is-fine", organizationName: "Navy" });
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
    const { caller, resHeaders } = await withResponse();
    await caller.auth.signUp({ email: "out@example.com", password: "password-out-1", organizationName: "Out" });
    const token = sessionFrom(resHeaders) ?? "";
    const signedIn = await withResponse({ cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: "1" });
    await signedIn.caller.auth.signOut();
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
    });
  });
});
