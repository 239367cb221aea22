import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing";

const INDEX_HTML = '<!doctype html><script type="module" src="/assets/app.js"></script><div id="root"></div>';

describe("unknown paths beside the dashboard", () => {
  let server: TestServer;
  let dashboardDir: string;
  beforeAll(async () => {
    dashboardDir = await mkdtemp(join(tmpdir(), "relaypost-dashboard-"));
    await mkdir(join(dashboardDir, "assets"));
    await writeFile(join(dashboardDir, "index.html"), INDEX_HTML);
    await writeFile(join(dashboardDir, "assets", "app.js"), "export {};");
    server = await startTestServer({ config: { DASHBOARD_DIR: dashboardDir } });
  });
  afterAll(async () => {
    await server.stop();
    await rm(dashboardDir, { recursive: true, force: true });
  });

  for (const path of [
    "/",
    "/credentials",
    "/settings/webhooks",
    "/settings/smtp-credentials/0b6f3c9e-1b2a-4c3d-8e9f-0a1b2c3d4e5f",
    "/invite/rpi_AbCdEf123",
    "/no-such-page",
  ]) {
    it(`loads the dashboard for its client-side route ${path}`, async () => {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(INDEX_HTML);
    });
  }

  for (const path of [
    "/metrics/anything",
    "/api",
    "/api/v2/messages",
    "/trpc",
    "/healthz/deep",
    "/readyz/x",
    "/.well-known/security.txt",
    "/favicon.ico",
    "/assets/app-0ld.js",
    "/robots.txt",
  ]) {
    it(`answers 404 for ${path}, not the dashboard`, async () => {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain("<!doctype html>");
    });
  }

  it("answers an unknown REST endpoint with a problem+json 404", async () => {
    for (const path of ["/api/v1/no-such-thing", "/api/v1"]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await response.json()).toMatchObject({ status: 404, code: "NOT_FOUND", title: "Not Found" });
    }
  });

  it("still serves the dashboard's files and the machine endpoints that exist", async () => {
    expect((await fetch(`${server.url}/assets/app.js`)).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/v1/openapi.json`)).status).toBe(200);
  });
});
