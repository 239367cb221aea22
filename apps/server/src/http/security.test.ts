import { type AppRouter, DEFAULT_SMTP_ENDPOINT } from "@relaypost/api";
import { operatorScope, type RelayEvent } from "@relaypost/core";
import { createTRPCClient, createWSClient, wsLink } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestServer, type TestServer } from "../testing";
import { createHttpApp } from "./app";

/** A tRPC call over plain HTTP, the way a browser form or fetch would send it, with superjson's envelope. */
function post(server: TestServer, path: string, body: string, headers: Record<string, string>) {
  return fetch(`${server.url}/trpc/${path}`, { method: "POST", body, headers });
}
const json = (input: unknown) => JSON.stringify(superjson.serialize(input));

/** One WebSocket subscriber to `events.subscribe`, recording what it receives and how it ends. */
function subscriber(server: TestServer, connectionParams: Record<string, string>, headers?: Record<string, string>) {
  class WithHeaders extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  const wsClient = createWSClient({
    url: `${server.url.replace("http", "ws")}/trpc`,
    WebSocket: WithHeaders as unknown as typeof globalThis.WebSocket,
    connectionParams,
    retryDelayMs: () => 50,
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
  const events: RelayEvent[] = [];
  const waiters: Array<{ test: (e: RelayEvent) => boolean; resolve: () => void }> = [];
  let ended: (code: string) => void = () => {};
  const end = new Promise<string>((resolve) => {
    ended = resolve;
  });
  const subscription = client.events.subscribe.subscribe(
    { lastEventId: "0" },
    {
      onData: ({ data }) => {
        events.push(data);
        for (const waiter of waiters.filter((w) => w.test(data))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      },
      onError: (error) => ended(error.data?.code ?? error.message),
    },
  );
  return {
    events,
    end,
    /** Resolves once an event matching `test` has arrived. */
    until(test: (e: RelayEvent) => boolean): Promise<void> {
      if (events.some(test)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ test, resolve }));
    },
    close() {
      subscription.unsubscribe();
      wsClient.close();
    },
  };
}

describe("sessions and CSRF over real HTTP", () => {
  let server: TestServer;
  let cookie: string;
  let organizationId: string;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  /** Signs up, then signs in as the dashboard does; the sign-in's answer carries the session cookie. */
  async function signUp(headers: Record<string, string> = {}) {
    const account = { email: `csrf-${crypto.randomUUID()}@example.com`, password: "password-123456" };
    const sent = { "content-type": "application/json", "x-relaypost-csrf": "1", ...headers };
    const signedUp = await post(server, "auth.signUp", json({ ...account, organizationName: "Csrf" }), sent);
    expect(signedUp.status).toBe(200);
    expect(signedUp.headers.get("set-cookie")).toBeNull();
    const response = await post(server, "auth.signIn", json(account), sent);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { data: { json: { user: { id: string } } } } };
    const [organization] = await server.core.organizations.listForUser(body.result.data.json.user.id);
    return { setCookie: response.headers.get("set-cookie") ?? "", organizationId: organization?.id ?? "" };
  }

  async function credentialCount(): Promise<number> {
    return (await server.core.smtpCredentials.list(organizationId, { limit: 100 })).items.length;
  }

  beforeAll(async () => {
    const signedUp = await signUp();
    cookie = signedUp.setCookie.split(";")[0] ?? "";
    organizationId = signedUp.organizationId;
  });

  it("sets the session cookie HttpOnly and SameSite=Lax, and not Secure over plain HTTP even if a header claims HTTPS", async () => {
    const { setCookie } = await signUp({ "x-forwarded-proto": "https", forwarded: "proto=https" });
    const attributes = setCookie.split(";").map((a) => a.trim().toLowerCase());
    expect(attributes[0]).toMatch(/^relaypost_session=[a-z0-9_-]{20,}$/i);
    expect(attributes).toContain("httponly");
    expect(attributes).toContain("samesite=lax");
    expect(attributes).toContain("path=/");
    expect(attributes).not.toContain("secure");
  });

  it("marks the cookie Secure when the request itself arrived over HTTPS", async () => {
    const app = createHttpApp({
      core: server.core,
      smtpEndpoint: DEFAULT_SMTP_ENDPOINT,
      log: server.log,
      metrics: { registry: server.metrics },
    });
    const account = { email: `tls-${crypto.randomUUID()}@example.com`, password: "password-123456" };
    await server.core.organizations.create({ name: "T", owner: account });
    const request = new Request("https://relaypost.example/trpc/auth.signIn", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: json(account),
    });
    const response = await app.fetch(request, { incoming: { socket: { remoteAddress: "203.0.113.5" } } });
    expect(response.status).toBe(200);
    const attributes = (response.headers.get("set-cookie") ?? "").split(";").map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(["secure", "httponly", "samesite=lax"]));
  });

  it("refuses a cross-site form post or simple request that carries the cookie but not the CSRF header", async () => {
    const before = await credentialCount();
    const crossSite = { cookie, origin: "https://attacker.example", "x-relaypost-organization": organizationId };
    const attempts = [
      post(server, "smtpCredentials.create", `json=${encodeURIComponent(json({}))}`, {
        ...crossSite,
        "content-type": "application/x-www-form-urlencoded",
      }),
      post(server, "smtpCredentials.create", json({}), { ...crossSite, "content-type": "text/plain" }),
      post(server, "smtpCredentials.create", json({}), { ...crossSite, "content-type": "application/json" }),
      post(server, "smtpCredentials.create", "--x\r\nContent-Disposition: form-data; name=json\r\n\r\n{}\r\n--x--", {
        ...crossSite,
        "content-type": "multipart/form-data; boundary=x",
      }),
      fetch(`${server.url}/trpc/smtpCredentials.create?input=${encodeURIComponent(json({}))}`, { headers: crossSite }),
    ];
    const statuses = await Promise.all(attempts.map(async (attempt) => (await attempt).status));
    for (const status of statuses) expect(status).toBeGreaterThanOrEqual(400);
    expect(await credentialCount()).toBe(before);
    // The same request from the dashboard, with the header, does create: the refusal above is the CSRF rule.
    const own = await post(server, "smtpCredentials.create", json({}), {
      cookie,
      "content-type": "application/json",
      "x-relaypost-csrf": "1",
      "x-relaypost-organization": organizationId,
    });
    expect(own.status).toBe(200);
    expect(await credentialCount()).toBe(before + 1);
  });

  it("kills a signed-out session token for HTTP and for WebSocket", async () => {
    const { setCookie, organizationId: orgId } = await signUp();
    const token = /relaypost_session=([^;]+)/.exec(setCookie)?.[1] ?? "";
    const headers = { cookie: `relaypost_session=${token}`, "x-relaypost-organization": orgId };
    const live = await fetch(`${server.url}/trpc/smtpCredentials.list`, { headers });
    expect(live.status).toBe(200);
    const out = await post(server, "auth.signOut", json(undefined), {
      ...headers,
      "content-type": "application/json",
      "x-relaypost-csrf": "1",
    });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/relaypost_session=;.*Max-Age=0/);

    const after = await fetch(`${server.url}/trpc/smtpCredentials.list`, { headers });
    expect(after.status).toBe(401);
    const me = (await (await fetch(`${server.url}/trpc/auth.me`, { headers })).json()) as {
      result: { data: { json: unknown } };
    };
    expect(me.result.data.json).toBeNull();

    const byParams = subscriber(server, { sessionToken: token, organizationId: orgId });
    expect(await byParams.end).toBe("UNAUTHORIZED");
    byParams.close();
    const byCookie = subscriber(server, { organizationId: orgId }, { cookie: `relaypost_session=${token}` });
    expect(await byCookie.end).toBe("UNAUTHORIZED");
    byCookie.close();
  });
});

describe("events over WebSocket: every kind of caller, own and foreign organization", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  async function organization(name: string) {
    const { organization, owner } = await server.core.organizations.create({
      name,
      owner: { email: `${name}-${crypto.randomUUID()}@example.com`, password: "password-123456" },
    });
    const scope = operatorScope(organization.id, "test");
    const memberToken = async (role: "admin" | "viewer") => {
      const user = await server.core.users.create({
        email: `${role}-${crypto.randomUUID()}@example.com`,
        password: "password-123456",
      });
      const { token } = await server.core.invitations.create(scope, role);
      await server.core.invitations.accept(
        { type: "user", id: user.id, label: user.email, remoteAddress: null },
        token,
      );
      return (await server.core.sessions.create(user.id)).token;
    };
    return {
      id: organization.id,
      scope,
      callers: {
        owner: { sessionToken: (await server.core.sessions.create(owner.id)).token },
        admin: { sessionToken: await memberToken("admin") },
        viewer: { sessionToken: await memberToken("viewer") },
        "apiKey:admin": {
          apiKey: (await server.core.apiKeys.create(scope, { name: "a", role: "admin" })).token,
        },
        "apiKey:viewer": {
          apiKey: (await server.core.apiKeys.create(scope, { name: "v", role: "viewer" })).token,
        },
      } as Record<string, Record<string, string>>,
    };
  }

  it("delivers each caller its own organization's events only, and refuses to name another organization", async () => {
    const mine = await organization("mine");
    const theirs = await organization("theirs");
    const { credential: theirCredential } = await server.core.smtpCredentials.create(theirs.scope, {
      username: "their_app",
    });

    const anonymous = subscriber(server, { organizationId: mine.id });
    const own = Object.entries(mine.callers).map(([kind, params]) => ({
      kind,
      sub: subscriber(server, { ...params, organizationId: mine.id }),
    }));
    const naming = Object.entries(mine.callers).map(([kind, params]) => ({
      kind,
      sub: subscriber(server, { ...params, organizationId: theirs.id }),
    }));

    // Their organization changes a lot; then one change in mine marks the point every own subscriber must reach.
    await server.core.smtpCredentials.update(theirs.scope, theirCredential.id, { description: "x" });
    await server.core.smtpCredentials.setActive(theirs.scope, theirCredential.id, false);
    await server.core.smtpCredentials.regeneratePassword(theirs.scope, theirCredential.id);
    await server.core.smtpCredentials.delete(theirs.scope, theirCredential.id);
    const { credential: sentinel } = await server.core.smtpCredentials.create(mine.scope, { username: "sentinel" });

    expect(await anonymous.end).toBe("UNAUTHORIZED");
    const namingOutcomes = await Promise.all(naming.map(async ({ kind, sub }) => [kind, await sub.end]));
    expect(Object.fromEntries(namingOutcomes)).toEqual(
      Object.fromEntries(Object.keys(mine.callers).map((kind) => [kind, "NOT_FOUND"])),
    );
    for (const { sub } of own) await sub.until((e) => e.credentialId === sentinel.id);
    for (const { kind, sub } of own) {
      expect({ kind, foreign: sub.events.filter((e) => e.organizationId !== mine.id) }).toEqual({ kind, foreign: [] });
      expect(sub.events.map((e) => e.credentialId)).not.toContain(theirCredential.id);
    }
    for (const { sub } of [...own, ...naming]) sub.close();
    anonymous.close();
  });
});
