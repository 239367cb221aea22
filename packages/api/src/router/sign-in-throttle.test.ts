import { ACCOUNT_BLOCK_AFTER, createRuntime, DEFAULT_THROTTLE_POLICY } from "@relaypost/core";
import { createDatabase } from "@relaypost/db";
import { testServerUrl } from "@relaypost/db/testing";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../context";
import { appRouter } from "../root";
import { type ApiHarness, createApiHarness, failure, occupyHasher, SIGN_IN_THROTTLE } from "../testing";
import { createCallerFactory } from "../trpc";

const ADDRESS_BLOCK_AFTER = DEFAULT_THROTTLE_POLICY.blockAfter;
const createCaller = createCallerFactory(appRouter);

/** The tRPC code a sign-in answers, or "ok". */
const codeOf = (attempt: Promise<unknown>) =>
  attempt.then(
    () => "ok",
    (error: unknown) => (error instanceof TRPCError ? error.code : String(error)),
  );

describe("dashboard sign-in against online guessing", () => {
  let h: ApiHarness;
  let n = 0;
  beforeAll(async () => {
    h = await createApiHarness();
  });
  afterAll(() => h.destroy());

  async function account() {
    const email = `user-${n++}@example.com`;
    await h.core.users.create({ email, password: "the-right-password" });
    return email;
  }
  const signIn = async (remoteAddress: string, email: string, password: string) =>
    codeOf((await h.callerFor({}, remoteAddress)).auth.signIn({ email, password }));

  it("refuses an address after its limit of wrong passwords, even the right one, and no other address", async () => {
    const email = await account();
    const blocks = () => h.telemetry.count("relaypost_throttle_blocks_total", { scope: "sign_in" });
    const blocksBefore = await blocks();
    for (let g = 0; g < ADDRESS_BLOCK_AFTER; g++) {
      expect(await signIn("192.0.2.10", email, `guess-${g}-wrong`)).toBe("UNAUTHORIZED");
    }
    expect(await blocks()).toBe(blocksBefore);
    expect(await signIn("192.0.2.10", email, "the-right-password")).toBe("TOO_MANY_REQUESTS");
    expect(await signIn("192.0.2.11", email, "the-right-password")).toBe("ok");
    expect(await blocks()).toBe(blocksBefore + 1);
    const refused = await failure(
      (await h.callerFor({}, "192.0.2.10")).auth.signIn({ email, password: "the-right-password" }),
    );
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS", message: "Too many failed sign-ins; try again later" });
  });

  it("refuses an account guessed at from many addresses", async () => {
    const email = await account();
    for (let g = 0; g < ACCOUNT_BLOCK_AFTER; g++) {
      expect(await signIn(`198.51.100.${g}`, email, `guess-${g}-wrong`)).toBe("UNAUTHORIZED");
    }
    expect(await signIn("203.0.113.99", email, "the-right-password")).toBe("TOO_MANY_REQUESTS");
    expect(await signIn("203.0.113.99", await account(), "the-right-password")).toBe("ok");
  });

  it("verifies no more parallel guesses than the limit", async () => {
    const email = await account();
    const codes = await Promise.all(
      Array.from({ length: 60 }, (_, g) => signIn("192.0.2.20", email, `parallel-guess-${g}`)),
    );
    expect(codes.filter((code) => code !== "UNAUTHORIZED" && code !== "TOO_MANY_REQUESTS")).toEqual([]);
    expect(codes.filter((code) => code === "UNAUTHORIZED")).toHaveLength(ADDRESS_BLOCK_AFTER);
  });

  it("answers busy at once, not after a wait, while account argon2 work is queued to its bound", async () => {
    const email = await account();
    const release = occupyHasher(h.hasher);
    try {
      expect(await signIn("192.0.2.31", email, "the-right-password")).toBe("TOO_MANY_REQUESTS");
    } finally {
      await release();
    }
    expect(await signIn("192.0.2.31", email, "the-right-password")).toBe("ok");
  });

  it("does not count a user retyping the same wrong password", async () => {
    const email = await account();
    for (let g = 0; g < ADDRESS_BLOCK_AFTER * 2; g++) {
      expect(await signIn("192.0.2.30", email, "same-typo-every-time")).toBe("UNAUTHORIZED");
    }
    expect(await signIn("192.0.2.30", email, "the-right-password")).toBe("ok");
  });
});

describe.skipIf(!testServerUrl)("dashboard sign-in on two processes sharing PostgreSQL", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await createApiHarness();
  });
  afterAll(() => h.destroy());

  it("holds one limit between them", async () => {
    const url = h.database.url;
    if (!url) throw new Error("needs PostgreSQL");
    const peerDatabase = createDatabase({ url, maxConnections: 2 });
    const peerRuntime = await createRuntime(peerDatabase, { signInThrottle: SIGN_IN_THROTTLE });
    try {
      const peer = peerRuntime.core;
      const email = "shared@example.com";
      await h.core.users.create({ email, password: "the-right-password" });
      const on = async (core: typeof peer, password: string) =>
        codeOf(
          createCaller(await createContext(core, { headers: new Headers(), remoteAddress: "192.0.2.40" })).auth.signIn({
            email,
            password,
          }),
        );
      for (let g = 0; g < ADDRESS_BLOCK_AFTER; g++) {
        expect(await on(g % 2 === 0 ? h.core : peer, `guess-${g}-wrong`)).toBe("UNAUTHORIZED");
      }
      expect(await on(h.core, "the-right-password")).toBe("TOO_MANY_REQUESTS");
      expect(await on(peer, "the-right-password")).toBe("TOO_MANY_REQUESTS");
    } finally {
      await peerRuntime.close();
      await peerDatabase.close();
    }
  });
});
