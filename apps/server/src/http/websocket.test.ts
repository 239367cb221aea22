import type { AppRouter } from "@relaypost/api";
import { operatorScope, systemActor } from "@relaypost/core";
import { createTRPCClient, createWSClient, wsLink } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestServer, type TestServer } from "../testing";

/** A subscriber authenticated like the dashboard, by session, that reports when its subscription ends. */
function sessionSubscriber(server: TestServer, sessionToken: string, organizationId: string) {
  const wsClient = createWSClient({
    url: `${server.url.replace("http", "ws")}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { sessionToken, organizationId },
    retryDelayMs: () => 50,
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
  const received: string[] = [];
  const awaited = new Map<string, () => void>();
  let ended: (reason: string) => void = () => {};
  const end = new Promise<string>((resolve) => {
    ended = resolve;
  });
  let first: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    first = resolve;
  });
  client.events.subscribe.subscribe(
    { lastEventId: "0" },
    {
      onData: ({ data }) => {
        received.push(data.type);
        awaited.get(data.type)?.();
        first();
      },
      onError: (error) => ended(error.data?.code ?? error.message),
    },
  );
  /** Resolves when the next event of `type` arrives (not one already received). */
  const next = (type: string) => new Promise<void>((resolve) => awaited.set(type, resolve));
  return { received, started, end, next, close: () => wsClient.close() };
}

describe("WebSocket access", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  async function organizationWithCredential(name: string) {
    const { organization, owner } = await server.core.organizations.create({
      name,
      owner: { email: `${name}@example.com`, password: "password-123456" },
    });
    const scope = { organizationId: organization.id, actor: systemActor("test") };
    await server.core.smtpCredentials.create(scope, {});
    return { organization, owner };
  }

  it("ends a session's subscriptions when it signs out", async () => {
    const { organization, owner } = await organizationWithCredential("signout");
    const { token } = await server.core.sessions.create(owner.id);
    const subscriber = sessionSubscriber(server, token, organization.id);
    await subscriber.started;
    await server.core.sessions.revoke(token);
    expect(await subscriber.end).toBe("UNAUTHORIZED");
    subscriber.close();
  });

  it("ends the subscriptions of a user's other sessions when the password changes, and keeps this session's", async () => {
    const { organization, owner } = await organizationWithCredential("password-change");
    const [other, current] = await Promise.all([1, 2].map(() => server.core.sessions.create(owner.id)));
    const otherSubscriber = sessionSubscriber(server, other?.token ?? "", organization.id);
    const currentSubscriber = sessionSubscriber(server, current?.token ?? "", organization.id);
    let currentEnded = false;
    void currentSubscriber.end.then(() => {
      currentEnded = true;
    });
    await Promise.all([otherSubscriber.started, currentSubscriber.started]);
    const currentSession = await server.core.sessions.resolve(current?.token ?? "");
    const actor = { type: "user" as const, id: owner.id, label: owner.email, remoteAddress: null };
    await server.core.users.changePassword(
      actor,
      "password-123456",
      "password-654321",
      currentSession?.sessionId ?? "",
    );
    expect(await otherSubscriber.end).toBe("UNAUTHORIZED");
    // An event committed after the revocation still reaches this session's subscription: it was left open.
    const created = currentSubscriber.next("credential.created");
    await server.core.smtpCredentials.create({ organizationId: organization.id, actor: systemActor("test") }, {});
    await created;
    expect(currentEnded).toBe(false);
    otherSubscriber.close();
    currentSubscriber.close();
  });

  it("ends a removed member's subscriptions", async () => {
    const { organization } = await organizationWithCredential("removed");
    const member = await server.core.users.create({ email: "member-removed@example.com", password: "password-123456" });
    const operator = operatorScope(organization.id, "test");
    const { token: link } = await server.core.invitations.create(operator, "viewer");
    await server.core.invitations.accept(
      { type: "user", id: member.id, label: member.email, remoteAddress: null },
      link,
    );
    const { token } = await server.core.sessions.create(member.id);
    const subscriber = sessionSubscriber(server, token, organization.id);
    await subscriber.started;
    await server.core.members.remove(operator, member.id);
    expect(await subscriber.end).toBe("NOT_FOUND");
    subscriber.close();
  });

  it("disconnects a client that stops reading, instead of buffering for it without bound", async () => {
    const slowServer = await startTestServer({ config: { WS_MAX_BUFFERED_BYTES: 64 * 1024 } });
    const { organization } = await slowServer.core.organizations.create({
      name: "Slow",
      owner: { email: "slow@example.com", password: "password-123456" },
    });
    const { token } = await slowServer.core.apiKeys.create(operatorScope(organization.id, "test"), {
      name: "slow",
      role: "viewer",
    });
    const ws = new WebSocket(`${slowServer.url.replace("http", "ws")}/trpc?connectionParams=1`);
    await new Promise((resolve) => ws.once("open", resolve));
    ws.send(JSON.stringify({ method: "connectionParams", data: { apiKey: token } }));
    ws.send(
      JSON.stringify({ id: 1, method: "subscription", params: { path: "events.subscribe", input: { json: {} } } }),
    );
    let firstMessage: () => void = () => {};
    const subscribed = new Promise<void>((resolve) => {
      firstMessage = resolve;
    });
    ws.once("message", () => firstMessage());
    await subscribed;
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    // Stop reading: the kernel's buffers fill, then the server's.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const padding = "x".repeat(2_000);
    for (let batch = 0; batch < 40; batch++) {
      for (let i = 0; i < 250; i++) {
        slowServer.publisher.publish({
          organizationId: organization.id,
          type: "auth.rejected",
          credentialId: null,
          username: "flood",
          remoteAddress: "192.0.2.9",
          // An absurdly long method name makes each event big, so the socket backs up sooner.
          data: { reason: "bad_password", method: padding, tls: false },
        });
      }
      await slowServer.publisher.flush();
    }
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toBe(4408);
    await slowServer.stop();
  });
});
