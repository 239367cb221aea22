import { DEFAULT_SMTP_PORT } from "@relaypost/contract";
import { operatorScope, relayUrlSchema } from "@relaypost/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestServer, type TestServer } from "../testing";

describe("HTTP endpoints", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("answers /healthz and /readyz with JSON", async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", database: "ok" });
  });

  it("serves tRPC over HTTP with a session cookie, and refuses a cross-site style mutation without the CSRF header", async () => {
    const account = { email: "http@example.com", password: "http-password-1" };
    const signUp = await fetch(`${server.url}/trpc/auth.signUp`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { ...account, organizationName: "Over HTTP" } }),
    });
    expect(signUp.status).toBe(200);
    const signIn = await fetch(`${server.url}/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: account }),
    });
    expect(signIn.status).toBe(200);
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(cookie).toMatch(/^relaypost_session=.+/);

    const forged = await fetch(`${server.url}/trpc/smtpCredentials.create`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ json: {} }),
    });
    expect(forged.status).toBe(403);

    const created = await fetch(`${server.url}/trpc/smtpCredentials.create`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-relaypost-csrf": "1" },
      body: JSON.stringify({ json: { username: "over_http" } }),
    });
    expect(created.status).toBe(200);
    const body = (await created.json()) as { result: { data: { json: { credential: { username: string } } } } };
    expect(body.result.data.json.credential.username).toBe("over_http");
  });

  it("answers a validation error with per-field messages", async () => {
    const org = await server.core.organizations.create({
      name: "Fields",
      owner: { email: "fields@example.com", password: "fields-password" },
    });
    const scope = operatorScope(org.organization.id, "test");
    const { token } = await server.core.apiKeys.create(scope, { name: "k", role: "admin" });
    const response = await fetch(`${server.url}/trpc/smtpCredentials.create`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ json: { username: "no spaces allowed", description: "x".repeat(501) } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { json: { data: { code: string; fieldErrors: object } } } };
    expect(body.error.json.data.code).toBe("BAD_REQUEST");
    expect(body.error.json.data.fieldErrors).toEqual({
      username: [expect.stringContaining("Username must be")],
      description: [expect.stringContaining("500")],
    });
  });

  it("tells admins the SMTP host and ports this deployment really listens on", async () => {
    const org = await server.core.organizations.create({
      name: "Settings",
      owner: { email: "settings@example.com", password: "settings-password" },
    });
    const scope = operatorScope(org.organization.id, "test");
    const { token } = await server.core.apiKeys.create(scope, { name: "k", role: "viewer" });
    const response = await fetch(`${server.url}/trpc/smtpCredentials.connectionSettings`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { result: { data: { json: unknown } } };
    expect(body.result.data.json).toEqual({
      host: null,
      port: server.smtpPort,
      implicitTlsPort: null,
      relaying: false,
    });
    expect(server.smtpPort).not.toBe(DEFAULT_SMTP_PORT);
  });

  it("tells admins that accepted mail is relayed once RELAY_URL names an upstream", async () => {
    const relaying = await startTestServer({
      config: { RELAY_URL: relayUrlSchema.parse("smtp://relay.invalid:2525?tls=none") },
    });
    try {
      const org = await relaying.core.organizations.create({
        name: "Relaying",
        owner: { email: "relaying@example.com", password: "relaying-password" },
      });
      const scope = operatorScope(org.organization.id, "test");
      const { token } = await relaying.core.apiKeys.create(scope, { name: "k", role: "viewer" });
      const response = await fetch(`${relaying.url}/trpc/smtpCredentials.connectionSettings`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await response.json()) as { result: { data: { json: { relaying: boolean } } } };
      expect(body.result.data.json.relaying).toBe(true);
    } finally {
      await relaying.stop();
    }
  });

  it("refuses a WebSocket upgrade from another site's page", async () => {
    const outcome = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${server.url.replace("http", "ws")}/trpc`, { origin: "https://evil.example" });
      ws.on("open", () => resolve("open"));
      ws.on("unexpected-response", (_req, res) => resolve(String(res.statusCode)));
      ws.on("error", () => resolve("error"));
    });
    expect(outcome).toBe("403");
  });
});
