import { afterEach, describe, expect, it, vi } from "vitest";

/** testing.ts reads the environment once, when it is loaded: each case loads a fresh copy under its own variables. */
async function testServerUrlWith(env: { TEST_DATABASE_URL?: string; DATABASE_URL?: string }) {
  vi.stubEnv("TEST_DATABASE_URL", env.TEST_DATABASE_URL);
  vi.stubEnv("DATABASE_URL", env.DATABASE_URL);
  vi.resetModules();
  return (await import("./testing")).testServerUrl;
}

describe("the PostgreSQL server tests use", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("ignores DATABASE_URL, which names a real server's database, and falls back to PGlite", async () => {
    expect(await testServerUrlWith({ DATABASE_URL: "postgres://prod.example/relaypost" })).toBeUndefined();
  });

  it("is the one TEST_DATABASE_URL names, whatever DATABASE_URL says", async () => {
    const url = "postgres://postgres@127.0.0.1:5432/postgres";
    expect(await testServerUrlWith({ TEST_DATABASE_URL: url, DATABASE_URL: "postgres://prod.example/relaypost" })).toBe(
      url,
    );
  });
});
