import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing";

/** Splits a Content-Security-Policy into its directives: `{ "script-src": ["'self'"], … }`. */
function directives(policy: string | null): Record<string, string[]> {
  return Object.fromEntries(
    (policy ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name = "", ...sources]) => [name, sources]),
  );
}

describe("browser security headers on every HTTP answer", () => {
  let server: TestServer;
  let dashboardDir: string;
  beforeAll(async () => {
    dashboardDir = await mkdtemp(join(tmpdir(), "relaypost-dashboard-"));
    await mkdir(join(dashboardDir, "assets"));
    await writeFile(
      join(dashboardDir, "index.html"),
      '<!doctype html><script type="module" src="/assets/app.js"></script><div id="root"></div>',
    );
    await writeFile(join(dashboardDir, "assets", "app.js"), "export {};");
    server = await startTestServer({ config: { DASHBOARD_DIR: dashboardDir } });
  });
  afterAll(async () => {
    await server.stop();
    await rm(dashboardDir, { recursive: true, force: true });
  });

  const answers: Array<[string, () => Promise<Response>]> = [
    ["the dashboard", () => fetch(`${server.url}/`)],
    ["a client-side route", () => fetch(`${server.url}/credentials`)],
    ["a static asset", () => fetch(`${server.url}/assets/app.js`)],
    ["a tRPC query", () => fetch(`${server.url}/trpc/auth.me`)],
    ["a tRPC refusal", () => fetch(`${server.url}/trpc/smtpCredentials.list`)],
    [
      "a body over the limit",
      () => fetch(`${server.url}/trpc/auth.signIn`, { method: "POST", body: "x".repeat(300_000) }),
    ],
    ["the health check", () => fetch(`${server.url}/healthz`)],
  ];

  for (const [what, request] of answers) {
    it(`sends a script-tight Content-Security-Policy, nosniff, no referrer and no framing on ${what}`, async () => {
      const response = await request();
      await response.arrayBuffer();
      const csp = directives(response.headers.get("content-security-policy"));
      expect(csp).toMatchObject({
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "connect-src": ["'self'"],
      });
      expect(Object.values(csp).flat()).not.toContain("'unsafe-inline'");
      expect(Object.values(csp).flat()).not.toContain("'unsafe-eval'");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
    });
  }
});
