import { MAX_REQUEST_BYTES } from "@relaypost/contract";
import { operatorScope } from "@relaypost/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing";

describe("REST API over the server's HTTP port", () => {
  let server: TestServer;
  let authorization: string;
  beforeAll(async () => {
    server = await startTestServer();
    const { organization } = await server.core.organizations.create({
      name: "Over REST",
      owner: { email: "rest-owner@example.com", password: "rest-owner-password" },
    });
    const key = await server.core.apiKeys.create(operatorScope(organization.id, "test"), { name: "ci", role: "admin" });
    authorization = `Bearer ${key.token}`;
  });
  afterAll(() => server.stop());

  it("creates and lists credentials with plain JSON and a bearer API key", async () => {
    const created = await fetch(`${server.url}/api/v1/credentials`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ username: "from_curl", description: "any language" }),
    });
    expect(created.status).toBe(200);
    expect(created.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await created.json()).toMatchObject({ credential: { username: "from_curl" }, password: expect.any(String) });
    const listed = await fetch(`${server.url}/api/v1/credentials?limit=1`, { headers: { authorization } });
    expect(await listed.json()).toMatchObject({ items: [{ username: "from_curl" }] });
  });

  it("serves its OpenAPI document", async () => {
    const response = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ openapi: "3.1.0", servers: [{ url: "/api/v1" }] });
  });

  it("refuses an oversized body as a problem and closes the connection", async () => {
    const response = await fetch(`${server.url}/api/v1/credentials`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ description: "x".repeat(MAX_REQUEST_BYTES) }),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("connection")).toBe("close");
    expect(await response.json()).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
  });

  it("serves interactive documentation from its own origin under the dashboard's CSP", async () => {
    const page = await fetch(`${server.url}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    // Every script is a file of this origin: no inline script, no CDN.
    const scripts = [...html.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    expect(scripts.map(([, attributes, body]) => [attributes?.trim().startsWith('src="/api/docs/'), body])).toEqual([
      [true, ""],
      [true, ""],
    ]);
    for (const [, attributes] of scripts) {
      const src = /src="([^"]+)"/.exec(attributes ?? "")?.[1];
      const asset = await fetch(`${server.url}${src}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get("content-type")).toMatch(/^text\/javascript/);
    }
    expect(await (await fetch(`${server.url}/api/docs/init.js`)).text()).toContain('"/api/v1/openapi.json"');
  });
});
