import { createDatabase, queryRows } from "@relaypost/db";
import { canStartThrowawayPostgres, startThrowawayPostgres, testServerUrl } from "@relaypost/db/testing";
import { startTestServer, type TestServer } from "@relaypost/server/testing";
import { RawSmtpClient } from "@relaypost/smtp/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRelayPostClient } from "./index";
import { collectEvents, organizationWithClient } from "./test-support";

const onPostgres = Boolean(testServerUrl);

describe("live events over the WebSocket", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("delivers lifecycle events to a subscriber, each organization only its own", async () => {
    const a = await organizationWithClient(server, "Alpha");
    const b = await organizationWithClient(server, "Beta");
    const feedA = collectEvents(a.client, { lastEventId: "0" });
    const feedB = collectEvents(b.client, { lastEventId: "0" });

    const { credential } = await a.client.smtpCredentials.create.mutate({ username: "alpha_app" });
    await a.client.smtpCredentials.setActive.mutate({ id: credential.id, active: false });
    await a.client.smtpCredentials.setActive.mutate({ id: credential.id, active: true });
    await a.client.smtpCredentials.regeneratePassword.mutate({ id: credential.id });
    await a.client.smtpCredentials.update.mutate({ id: credential.id, description: "web" });
    await a.client.smtpCredentials.delete.mutate({ id: credential.id });
    await b.client.smtpCredentials.create.mutate({ username: "beta_app" });

    await feedA.untilCount(6);
    await feedB.untilCount(1);
    expect(feedA.events.map((e) => e.type)).toEqual([
      "credential.created",
      "credential.deactivated",
      "credential.activated",
      "credential.password_regenerated",
      "credential.updated",
      "credential.deleted",
    ]);
    expect(feedA.events.every((e) => e.organizationId === a.organization.id && e.username === "alpha_app")).toBe(true);
    expect(feedB.events.map((e) => [e.type, e.username])).toEqual([["credential.created", "beta_app"]]);
    const ids = feedA.events.map((e) => e.id);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);

    // One more event in each organization proves nothing of the other's arrived meanwhile.
    await b.client.smtpCredentials.create.mutate({ username: "beta_two" });
    await a.client.smtpCredentials.create.mutate({ username: "alpha_two" });
    await feedA.untilCount(7);
    await feedB.untilCount(2);
    expect(feedA.events.map((e) => e.username)).not.toContain("beta_two");
    expect(feedB.events.map((e) => e.username)).not.toContain("alpha_two");
    feedA.unsubscribe();
    feedB.unsubscribe();
    a.client.close();
    b.client.close();
  });

  it("shows recent history, then continues live from it without a gap", async () => {
    const org = await organizationWithClient(server, "History");
    for (let i = 0; i < 4; i++) await org.client.smtpCredentials.create.mutate({ username: `history_${i}` });
    const recent = await org.client.events.recent.query({ limit: 3 });
    expect(recent.events.map((e) => e.username)).toEqual(["history_1", "history_2", "history_3"]);
    await org.client.smtpCredentials.create.mutate({ username: "history_4" });
    const feed = collectEvents(org.client, { lastEventId: recent.resumeFrom });
    await org.client.smtpCredentials.create.mutate({ username: "history_5" });
    await feed.untilCount(2);
    expect(feed.events.map((e) => e.username)).toEqual(["history_4", "history_5"]);
    feed.unsubscribe();
    org.client.close();
  });

  it("filters by credential and event type", async () => {
    const org = await organizationWithClient(server, "Filters");
    const { credential: one } = await org.client.smtpCredentials.create.mutate({ username: "filter_one" });
    const { credential: two } = await org.client.smtpCredentials.create.mutate({ username: "filter_two" });
    const feed = collectEvents(org.client, {
      lastEventId: "0",
      credentialId: two.id,
      types: ["credential.deactivated"],
    });
    await org.client.smtpCredentials.setActive.mutate({ id: one.id, active: false });
    await org.client.smtpCredentials.setActive.mutate({ id: two.id, active: false });
    await org.client.smtpCredentials.setActive.mutate({ id: two.id, active: true });
    await org.client.smtpCredentials.setActive.mutate({ id: two.id, active: false });
    await feed.untilCount(2);
    expect(feed.events.map((e) => [e.type, e.credentialId])).toEqual([
      ["credential.deactivated", two.id],
      ["credential.deactivated", two.id],
    ]);
    feed.unsubscribe();
    org.client.close();
  });

  it("resumes after a dropped connection with every missed event exactly once, in order", async () => {
    const org = await organizationWithClient(server, "Resume");
    const first = collectEvents(org.client, { lastEventId: "0" });
    for (let i = 0; i < 5; i++) await org.client.smtpCredentials.create.mutate({ username: `before_${i}` });
    await first.untilCount(5);
    first.unsubscribe();
    org.client.close();
    const lastId = first.events.at(-1)?.id ?? 0;

    for (let i = 0; i < 20; i++) await org.client.smtpCredentials.create.mutate({ username: `during_${i}` });

    const resumed = collectEvents(org.client, { lastEventId: String(lastId) });
    await resumed.untilCount(20);
    for (let i = 0; i < 5; i++) await org.client.smtpCredentials.create.mutate({ username: `after_${i}` });
    await resumed.untilCount(25);
    expect(resumed.events.map((e) => e.username)).toEqual([
      ...Array.from({ length: 20 }, (_, i) => `during_${i}`),
      ...Array.from({ length: 5 }, (_, i) => `after_${i}`),
    ]);
    resumed.unsubscribe();
    org.client.close();
  });

  // How soon it ends is a timing figure: bench/revocation.ts (docs/reliability.md).
  it("ends a revoked API key's subscription, telling the client it is no longer authorized", async () => {
    const org = await organizationWithClient(server, "Revoked");
    const feed = collectEvents(org.client, { lastEventId: "0" });
    await org.client.smtpCredentials.create.mutate({ username: "still_here" });
    await feed.untilCount(1);
    const actor = { type: "system" as const, id: null, label: "test", remoteAddress: null };
    await server.core.apiKeys.revoke(org.organization.id, actor, org.apiKey.id);
    await feed.untilEnded();
    expect(String(feed.error)).toMatch(/UNAUTHORIZED|revoked|Sign in/i);
    org.client.close();
  });
});

describe.skipIf(!onPostgres)("live events across processes (PostgreSQL)", () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startTestServer();
    // Plaintext AUTH from loopback, as in development: the raw client below speaks no TLS.
    b = await startTestServer({
      databaseUrl: a.databaseUrl ?? "",
      config: { SMTP_ALLOW_INSECURE_LOOPBACK_AUTH: true },
    });
    first = a;
  });
  let first: TestServer;
  afterAll(async () => {
    await b.close();
    await a.close();
    // The first process A owns the test database; stopping it (again) drops the database.
    await first.stop();
  });

  it("delivers a change made through process B to a subscriber on process A", async () => {
    const org = await organizationWithClient(a, "Across");
    const viaB = createRelayPostClient({ url: b.url, apiKey: org.token });
    const feed = collectEvents(org.client, { lastEventId: "0" });
    await viaB.smtpCredentials.create.mutate({ username: "made_on_b" });
    await feed.untilCount(1);
    expect(feed.events[0]).toMatchObject({ type: "credential.created", username: "made_on_b" });
    feed.unsubscribe();
    org.client.close();
    viaB.close();
  });

  it("delivers an SMTP login made through process B to a subscriber on process A", async () => {
    const org = await organizationWithClient(a, "SmtpAcross");
    const { credential, password } = await org.client.smtpCredentials.create.mutate({ username: "smtp_across" });
    const feed = collectEvents(org.client, { lastEventId: "0", types: ["auth.succeeded"] });
    const smtp = await RawSmtpClient.connect(b.smtpPort);
    await smtp.command("EHLO app.example");
    await smtp.startTls();
    await smtp.command("EHLO app.example");
    expect((await smtp.authPlain("smtp_across", password))?.code).toBe(235);
    smtp.destroy();
    await feed.untilCount(1);
    expect(feed.events[0]).toMatchObject({
      type: "auth.succeeded",
      organizationId: org.organization.id,
      credentialId: credential.id,
      username: "smtp_across",
    });
    feed.unsubscribe();
    org.client.close();
  });

  it("reconnects by itself after its server goes away and resumes where it left off", async () => {
    const org = await organizationWithClient(a, "Reconnect");
    const feed = collectEvents(org.client, { lastEventId: "0" });
    await org.client.smtpCredentials.create.mutate({ username: "before_restart" });
    await feed.untilCount(1);
    const port = a.httpPort;
    await a.close();
    // While the subscriber's server is down, changes keep happening through the other process.
    const viaB = createRelayPostClient({ url: b.url, apiKey: org.token });
    for (let i = 0; i < 5; i++) await viaB.smtpCredentials.create.mutate({ username: `while_down_${i}` });
    a = await startTestServer({ databaseUrl: a.databaseUrl ?? "", config: { PORT: port } });
    await viaB.smtpCredentials.create.mutate({ username: "after_restart" });
    await feed.untilCount(7);
    expect(feed.events.map((e) => e.username)).toEqual([
      "before_restart",
      ...Array.from({ length: 5 }, (_, i) => `while_down_${i}`),
      "after_restart",
    ]);
    feed.unsubscribe();
    org.client.close();
    viaB.close();
  });
});

describe.skipIf(!onPostgres || !canStartThrowawayPostgres)("PostgreSQL restarts while events flow", () => {
  // A cluster of this test's own: stopping the shared server would break every other test run on it.
  let cluster: Awaited<ReturnType<typeof startThrowawayPostgres>>;
  let server: TestServer;
  let watcher: TestServer;
  beforeAll(async () => {
    cluster = await startThrowawayPostgres();
    server = await startTestServer({ databaseUrl: cluster.url, config: { SMTP_ALLOW_INSECURE_LOOPBACK_AUTH: true } });
    watcher = await startTestServer({ databaseUrl: cluster.url });
  });
  afterAll(async () => {
    await watcher?.close();
    await server?.close();
    cluster?.destroy();
  });

  it("a subscriber on another process receives every committed login event once, in order", async () => {
    const org = await organizationWithClient(server, "Restart");
    const { password } = await org.client.smtpCredentials.create.mutate({ username: "through_restart" });
    // Logins go to one process, the subscriber watches another: its events arrive only through its own bus.
    const watching = createRelayPostClient({ url: watcher.url, apiKey: org.token });
    const feed = collectEvents(watching, { lastEventId: "0", types: ["auth.succeeded"] });
    const replies: number[] = [];
    let phase: "before" | "down" | "after" = "before";
    let acceptedAfter = 0;
    let twentyAccepted: () => void = () => {};
    let outageAnswered: () => void = () => {};
    const warmedUp = new Promise<void>((resolve) => (twentyAccepted = resolve));
    const outageSeen = new Promise<void>((resolve) => (outageAnswered = resolve));
    const login = async () => {
      const smtp = await RawSmtpClient.connect(server.smtpPort);
      await smtp.command("EHLO app.example");
      await smtp.startTls();
      await smtp.command("EHLO app.example");
      const code = (await smtp.authPlain("through_restart", password))?.code ?? 0;
      smtp.destroy();
      replies.push(code);
      if (replies.filter((c) => c === 235).length === 20) twentyAccepted();
      if (phase === "down" && code === 454) outageAnswered();
      if (phase === "after" && code === 235) acceptedAfter++;
    };
    const logins = (async () => {
      while (acceptedAfter < 20) await login();
    })();

    await warmedUp;
    cluster.stop();
    phase = "down";
    // The database stays down until a login has run into the outage.
    await outageSeen;
    cluster.start();
    phase = "after";
    await logins;

    // Logins that reached the database while it was down were told to retry later, never refused as wrong.
    expect(replies.filter((code) => code !== 235 && code !== 454)).toEqual([]);
    expect(replies).toContain(454);
    // Every accepted login is written, including those whose event waited in memory during the outage.
    expect(await server.publisher.flush()).toBe(0);
    const accepted = replies.filter((code) => code === 235).length;
    const observer = createDatabase({ url: cluster.url, maxConnections: 1 });
    const committed = await queryRows<{ id: string }>(
      observer.db,
      sql`select id from events where organization_id = ${org.organization.id} and type = 'auth.succeeded' order by id`,
    );
    await observer.close();
    expect(committed).toHaveLength(accepted);
    await feed.untilCount(committed.length);
    expect(feed.events.map((e) => e.id)).toEqual(committed.map((row) => Number(row.id)));
    feed.unsubscribe();
    watching.close();
    org.client.close();
  });
});
