import type { AppRouter } from "@relaypost/api";
import { createTRPCClient, createWSClient, wsLink } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { collectLogLines, startTestServer, type TestServer } from "../testing";

const encodeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const SOME_ID = "3f2b8c1e-6d4a-4f7e-9b2c-1a5d8e7f6c3b";

/** Cookie headers a browser would never send for this site, but anyone can. */
const MALFORMED_COOKIES = [
  "relaypost_session=%E0%A4%A",
  "relaypost_session=%",
  "relaypost_session=%FF%FE",
  "relaypost_session=%00",
  "relaypost_session=",
  "relaypost_session",
  "=; relaypost_session=%E0; relaypost_session=x",
  `relaypost_session=${"%41".repeat(2000)}`,
];

/** Credential list cursors that pass a loose check but name a time or id PostgreSQL refuses. */
const FORGED_CURSORS = [
  encodeCursor(["2024-05-01T10:00:00.000Z", "------------------------------------"]),
  encodeCursor(["+275760-09-13T00:00:00.000Z", SOME_ID]),
  encodeCursor(["-271821-04-20T00:00:00.000Z", SOME_ID]),
  encodeCursor([8.64e15, SOME_ID]),
];

const query = (input: unknown) => `input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;

describe("hostile input over real HTTP and WebSocket: a clean 400 or signed-out answer, never a fault", () => {
  let server: TestServer;
  const log = collectLogLines();
  let owner: { cookie: string; organizationId: string };
  beforeAll(async () => {
    server = await startTestServer({ logDestination: log.destination });
    const { organization, owner: user } = await server.core.organizations.create({
      name: "Hostile",
      owner: { email: `hostile-${crypto.randomUUID()}@example.com`, password: "password-123456" },
    });
    const { token } = await server.core.sessions.create(user.id);
    owner = { cookie: `relaypost_session=${token}`, organizationId: organization.id };
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    log.lines.length = 0;
  });

  it("answers a malformed session cookie as signed out", async () => {
    const outcomes = [];
    for (const cookie of MALFORMED_COOKIES) {
      const me = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie } });
      const list = await fetch(`${server.url}/trpc/smtpCredentials.list`, { headers: { cookie } });
      const body = (await me.json()) as { result?: { data: { json: unknown } } };
      outcomes.push({ cookie, me: me.status, signedIn: body.result?.data.json ?? null, list: list.status });
    }
    expect(outcomes).toEqual(MALFORMED_COOKIES.map((cookie) => ({ cookie, me: 200, signedIn: null, list: 401 })));
    expect(log.faults()).toEqual([]);
  });

  it("ends a WebSocket subscription that carries a malformed session cookie as UNAUTHORIZED", async () => {
    class WithCookie extends WebSocket {
      constructor(address: string | URL) {
        super(address, { headers: { cookie: "relaypost_session=%E0%A4%A" } });
      }
    }
    const wsClient = createWSClient({
      url: `${server.url.replace("http", "ws")}/trpc`,
      WebSocket: WithCookie as unknown as typeof globalThis.WebSocket,
      connectionParams: { organizationId: owner.organizationId },
    });
    const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
    const ended = await new Promise<string>((resolve) => {
      client.events.subscribe.subscribe(
        { lastEventId: "0" },
        { onError: (error) => resolve(error.data?.code ?? error.message), onData: () => resolve("data") },
      );
    });
    wsClient.close();
    expect(ended).toBe("UNAUTHORIZED");
    expect(log.faults()).toEqual([]);
  });

  it("answers forged list cursors 400 and never writes a fault line", async () => {
    const headers = { cookie: owner.cookie, "x-relaypost-organization": owner.organizationId };
    const statuses = [];
    for (const cursor of FORGED_CURSORS) {
      const response = await fetch(`${server.url}/trpc/smtpCredentials.list?${query({ cursor })}`, { headers });
      statuses.push(response.status);
    }
    expect(statuses).toEqual(FORGED_CURSORS.map(() => 400));
    expect(log.faults()).toEqual([]);
  });
});
