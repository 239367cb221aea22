import { NOT_RELAYED_NOTICE } from "@relaypost/contract";
import { type Runtime, relayUrlSchema } from "@relaypost/core";
import { schema } from "@relaypost/db";
import { freePort } from "@relaypost/db/testing";
import { eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./testing/harness";
import { submit } from "./testing/submit";
import { startUpstreamSink, type UpstreamSink } from "./testing/upstream-sink";

const UPSTREAM_AUTH = { user: "relaypost", pass: "upstream-secret-42" };
const RETRY_MS = 60_000;
const MAX_AGE_MS = 10 * 60_000;
const LEASE_MS = 30_000;

describe("relaying accepted messages to the upstream over real SMTP", () => {
  let sink: UpstreamSink;
  let h: Harness;
  /** How far the workers' clock is ahead of the real one: tests move time instead of waiting. */
  let skew = 0;
  const now = () => new Date(Date.now() + skew);
  let credential: { user: string; pass: string };

  const relayOf = (runtime: Runtime) => {
    if (!runtime.relay) throw new Error("no delivery workers: the runtime has no upstream");
    return runtime.relay;
  };
  const rowOf = async (id: string) =>
    (await h.database.db.select().from(schema.smtpMessages).where(eq(schema.smtpMessages.id, id)))[0];
  const eventsOf = async (id: string) =>
    (await h.events()).filter(
      (e) => e.type.startsWith("message.") && (e.data as { messageId?: string }).messageId === id,
    );
  const copiesAtSink = (messageId: string | null | undefined) => sink.received.filter((m) => m.messageId === messageId);

  beforeAll(async () => {
    sink = await startUpstreamSink({ auth: UPSTREAM_AUTH });
    h = await startHarness({
      relay: {
        upstream: relayUrlSchema.parse(sink.url),
        background: false,
        now,
        backoff: () => RETRY_MS,
        maxAgeMs: MAX_AGE_MS,
        leaseMs: LEASE_MS,
      },
    });
    const created = await h.createCredential();
    credential = { user: created.username, pass: created.password };
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });
  beforeEach(() => sink.answer({ rcpt: () => "ok", data: () => "ok" }));

  it("relays a message of many stored segments to the upstream byte for byte", async () => {
    const line = `${"0123456789abcdefghijklmnopqrstuvwxyz".repeat(2)}.-\r\n`;
    const raw = `Message-ID: <large@example.com>\r\nFrom: app@example.com\r\nSubject: large\r\n\r\n${line.repeat(20_000)}`;
    const sent = await submit(h.service.port, credential, ["someone@example.org"], { raw });
    const row = await rowOf(sent.id);
    expect(row?.parts).toBeGreaterThan(1);
    expect(row?.size).toBe(raw.length);

    await relayOf(h.runtime).drain();

    expect((await rowOf(sent.id))?.status).toBe("relayed");
    const [copy] = copiesAtSink("<large@example.com>");
    expect(copy?.raw.toString("latin1")).toBe(raw);
  });

  it("delivers an accepted message to the upstream, logged in, with the Message-ID it was accepted with", async () => {
    const sent = await submit(h.service.port, credential, ["someone@example.org"], { subject: "Héllo" });
    expect(sent.response).toMatch(/^250 2\.0\.0 Ok: queued as /);
    expect((await rowOf(sent.id))?.status).toBe("queued");

    await relayOf(h.runtime).drain();

    const row = await rowOf(sent.id);
    expect(row).toMatchObject({
      status: "relayed",
      attempts: 1,
      subject: "Héllo",
      lastReply: "250 2.0.0 Ok: taken by the sink",
      recipients: [{ address: "someone@example.org", state: "relayed", reply: "250 2.0.0 Ok: taken by the sink" }],
    });
    expect(row?.relayedAt).toBeInstanceOf(Date);
    const copies = copiesAtSink(row?.messageIdHeader);
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ mailFrom: "app@example.com", rcptTo: ["someone@example.org"] });
    expect(copies[0]?.raw.equals(row?.raw ?? Buffer.alloc(0))).toBe(true);
    expect(sink.logins.at(-1)).toEqual({ user: UPSTREAM_AUTH.user });
    expect((await eventsOf(sent.id)).map((e) => [e.type, e.data])).toEqual([
      ["message.accepted", expect.objectContaining({ status: "queued", recipients: 1 })],
      ["message.relayed", expect.objectContaining({ attempts: 1, accepted: 1, refused: 0 })],
    ]);
  });

  it("gives a message that has none a Message-ID at intake, and the upstream receives it", async () => {
    const sent = await submit(h.service.port, credential, ["someone@example.org"], {
      raw: "From: app@example.com\r\nSubject: no id\r\n\r\nbody\r\n",
    });
    const stored = await rowOf(sent.id);
    expect(stored?.messageIdHeader).toMatch(/^<[0-9a-f-]{36}@example\.com>$/);
    expect(stored?.raw.toString()).toMatch(/^Message-ID: <[0-9a-f-]{36}@example\.com>\r\nFrom: app@example\.com/);

    await relayOf(h.runtime).drain();

    expect(copiesAtSink(stored?.messageIdHeader)).toHaveLength(1);
  });

  it("defers on a 4xx, retries when the backoff has passed, and delivers once with the same Message-ID", async () => {
    sink.answer({ data: () => ({ code: 451, text: "4.3.0 Try again later" }) });
    const deferredBefore = await h.runtime.telemetry.count("relaypost_relay_deliveries_total", {
      outcome: "deferred",
    });
    const sent = await submit(h.service.port, credential, ["someone@example.org"]);
    const relay = relayOf(h.runtime);
    await relay.drain();

    const deferred = await rowOf(sent.id);
    expect(deferred).toMatchObject({ status: "deferred", attempts: 1, lastReply: "451 4.3.0 Try again later" });
    expect(deferred?.recipients).toEqual([
      { address: "someone@example.org", state: "pending", reply: "451 4.3.0 Try again later" },
    ]);
    expect(await relay.runOnce()).toBe(0);
    expect(await h.core.messages.outbox()).toEqual({ queued: 0, deferred: 1, oldestWaitingSince: deferred?.createdAt });
    expect(await h.runtime.telemetry.count("relaypost_relay_outbox_depth", { status: "deferred" })).toBe(1);

    sink.answer({ data: () => "ok" });
    skew += RETRY_MS;
    await relay.drain();

    expect(await rowOf(sent.id)).toMatchObject({ status: "relayed", attempts: 2 });
    expect(await h.core.messages.outbox()).toEqual({ queued: 0, deferred: 0, oldestWaitingSince: null });
    expect(copiesAtSink(deferred?.messageIdHeader)).toHaveLength(1);
    const events = await eventsOf(sent.id);
    expect(events.map((e) => e.type)).toEqual(["message.accepted", "message.deferred", "message.relayed"]);
    expect(events[1]?.data).toMatchObject({ attempts: 1, reply: "451 4.3.0 Try again later" });
    expect(h.logged.filter((line) => line.fields.messageId === sent.id)).toEqual([
      {
        level: "info",
        message: "message delivery deferred",
        fields: expect.objectContaining({ attempts: 1, reply: "451 4.3.0 Try again later" }),
      },
    ]);
    expect(await h.runtime.telemetry.count("relaypost_relay_deliveries_total", { outcome: "deferred" })).toBe(
      deferredBefore + 1,
    );
  });

  it("fails at once on a 5xx, keeps the upstream's reply, and never retries", async () => {
    sink.answer({ data: () => ({ code: 554, text: "5.7.1 Message rejected as spam" }) });
    const sent = await submit(h.service.port, credential, ["someone@example.org"]);
    const relay = relayOf(h.runtime);
    await relay.drain();

    expect(await rowOf(sent.id)).toMatchObject({
      status: "failed",
      attempts: 1,
      lastReply: "554 5.7.1 Message rejected as spam",
      recipients: [{ address: "someone@example.org", state: "failed", reply: "554 5.7.1 Message rejected as spam" }],
      relayedAt: null,
    });
    sink.answer({ data: () => "ok" });
    skew += MAX_AGE_MS;
    expect(await relay.runOnce()).toBe(0);
    const failed = (await eventsOf(sent.id)).find((e) => e.type === "message.failed");
    expect(failed?.data).toMatchObject({ expired: false, reply: "554 5.7.1 Message rejected as spam" });
    expect(h.logged.filter((line) => line.fields.messageId === sent.id)).toEqual([
      {
        level: "warn",
        message: "message delivery failed",
        fields: expect.objectContaining({ expired: false, reply: "554 5.7.1 Message rejected as spam" }),
      },
    ]);
  });

  it("keeps a result per recipient when the upstream takes some, refuses some and defers others", async () => {
    sink.answer({
      rcpt: (address) =>
        address.startsWith("gone")
          ? { code: 550, text: "5.1.1 No such user" }
          : address.startsWith("busy")
            ? { code: 450, text: "4.2.1 Mailbox busy" }
            : "ok",
    });
    const sent = await submit(h.service.port, credential, ["ok@example.org", "gone@example.org", "busy@example.org"]);
    const relay = relayOf(h.runtime);
    await relay.drain();

    const first = await rowOf(sent.id);
    expect(first?.status).toBe("deferred");
    expect(first?.recipients).toEqual([
      { address: "ok@example.org", state: "relayed", reply: "250 2.0.0 Ok: taken by the sink" },
      { address: "gone@example.org", state: "failed", reply: "550 5.1.1 No such user" },
      { address: "busy@example.org", state: "pending", reply: "450 4.2.1 Mailbox busy" },
    ]);

    sink.answer({ rcpt: (address) => (address.startsWith("gone") ? { code: 550, text: "5.1.1 No such user" } : "ok") });
    skew += RETRY_MS;
    await relay.drain();

    const last = await rowOf(sent.id);
    expect(last?.status).toBe("relayed");
    expect(last?.recipients?.map((r) => r.state)).toEqual(["relayed", "failed", "relayed"]);
    // The retry went to the deferred recipient only: nobody gets the message twice.
    expect(copiesAtSink(first?.messageIdHeader).map((m) => m.rcptTo)).toEqual([
      ["ok@example.org"],
      ["busy@example.org"],
    ]);
    const relayed = (await eventsOf(sent.id)).find((e) => e.type === "message.relayed");
    expect(relayed?.data).toMatchObject({ attempts: 2, accepted: 2, refused: 1 });
  });

  it("defers while the upstream is unreachable and fails the message at the maximum age", async () => {
    const closedPort = await freePort();
    const unreachable = await h.startRuntime({
      relay: {
        upstream: relayUrlSchema.parse(`smtp://127.0.0.1:${closedPort}?tls=none`),
        background: false,
        now,
        backoff: () => RETRY_MS,
        maxAgeMs: MAX_AGE_MS,
      },
    });
    try {
      const sent = await submit(h.service.port, credential, ["someone@example.org"]);
      const relay = relayOf(unreachable);
      await relay.drain();
      const deferred = await rowOf(sent.id);
      expect(deferred).toMatchObject({ status: "deferred", attempts: 1 });
      expect(deferred?.lastReply).toMatch(/^no reply from the upstream \(/);

      skew += MAX_AGE_MS;
      await relay.drain();

      expect(await rowOf(sent.id)).toMatchObject({ status: "failed", attempts: 2 });
      const failed = (await eventsOf(sent.id)).find((e) => e.type === "message.failed");
      expect(failed?.data).toMatchObject({ expired: true, attempts: 2 });
    } finally {
      await unreachable.close();
    }
  });

  it("defers while the upstream refuses RelayPost's login, and the upstream password shows up nowhere", async () => {
    const wrongPassword = "wrong-upstream-password-7";
    const misconfigured = await h.startRuntime({
      relay: {
        upstream: relayUrlSchema.parse(
          `smtp://${UPSTREAM_AUTH.user}:${wrongPassword}@127.0.0.1:${sink.port}?tlsVerify=false`,
        ),
        background: false,
        now,
        backoff: () => RETRY_MS,
      },
    });
    try {
      const sent = await submit(h.service.port, credential, ["someone@example.org"]);
      await relayOf(misconfigured).drain();
      const row = await rowOf(sent.id);
      expect(row).toMatchObject({ status: "deferred", attempts: 1 });
      expect(row?.lastReply).toMatch(/^535 /);
      expect(sink.logins.at(-1)).toEqual({ user: UPSTREAM_AUTH.user });
      const shown = JSON.stringify([row, await eventsOf(sent.id), h.faults]);
      expect(shown).not.toContain(wrongPassword);

      skew += RETRY_MS;
      await relayOf(h.runtime).drain();
      expect(await rowOf(sent.id)).toMatchObject({ status: "relayed", attempts: 2 });
    } finally {
      await misconfigured.close();
    }
  });

  it("lets another worker take a message over once the lease of a worker stuck on it expires", async () => {
    const sent = await submit(h.service.port, credential, ["someone@example.org"]);
    const stuck = sink.hold();
    const first = relayOf(h.runtime).runOnce();
    await stuck.reached;

    const other = await h.startRuntime({
      relay: { upstream: relayUrlSchema.parse(sink.url), background: false, now, leaseMs: LEASE_MS },
    });
    try {
      expect(await relayOf(other).runOnce()).toBe(0);
      skew += LEASE_MS;
      expect(await relayOf(other).runOnce()).toBe(1);
      expect(await rowOf(sent.id)).toMatchObject({ status: "relayed", attempts: 2 });

      stuck.release();
      expect(await first).toBe(1);
      // The first worker's late outcome is not written over the second's: its lease is gone.
      expect(await rowOf(sent.id)).toMatchObject({ status: "relayed", attempts: 2 });
      const types = (await eventsOf(sent.id)).map((e) => e.type);
      expect(types).toEqual(["message.accepted", "message.relayed"]);
      // At-least-once: both copies carry the one Message-ID, so the recipient's side can drop the duplicate.
      const row = await rowOf(sent.id);
      expect(copiesAtSink(row?.messageIdHeader)).toHaveLength(2);
    } finally {
      await other.close();
    }
  });
});

describe("without an upstream", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("stores the message, says so in the reply, and queues nothing for delivery", async () => {
    const created = await h.createCredential();
    const sent = await submit(h.service.port, { user: created.username, pass: created.password }, ["a@example.org"]);
    expect(sent.response).toMatch(new RegExp(`^250 2\\.0\\.0 Ok: ${NOT_RELAYED_NOTICE} \\(id [0-9a-f-]{36}\\)$`));
    expect(h.runtime.relay).toBeUndefined();
    const rows = await h.database.db
      .select({ status: schema.smtpMessages.status, nextAttemptAt: schema.smtpMessages.nextAttemptAt })
      .from(schema.smtpMessages)
      .where(eq(schema.smtpMessages.credentialId, created.id));
    expect(rows).toEqual([{ status: "stored", nextAttemptAt: null }]);
    const accepted = (await h.events()).find((e) => e.type === "message.accepted");
    expect(accepted?.data).toMatchObject({ status: "stored" });
  });
});

describe("delivery in the background, as every process runs it", () => {
  let sink: UpstreamSink;
  let h: Harness;
  // One test shuts the runtime down, and the other counts what the sink received: each gets a pair of its own.
  beforeEach(async () => {
    sink = await startUpstreamSink();
    h = await startHarness({ relay: { upstream: relayUrlSchema.parse(sink.url), maxConnections: 2 } });
  });
  afterEach(async () => {
    await h.close();
    await sink.close();
  });

  it("relays a burst accepted over several connections without being asked, each message once", async () => {
    const created = await h.createCredential();
    const auth = { user: created.username, pass: created.password };
    const relayed = new Set<string>();
    let allRelayed = () => {};
    const done = new Promise<void>((resolve) => {
      allRelayed = resolve;
    });
    const ids: string[] = [];
    const unsubscribe = h.bus.subscribe((event) => {
      if (event.type !== "message.relayed") return;
      relayed.add(event.data.messageId);
      if (ids.length === 30 && ids.every((id) => relayed.has(id))) allRelayed();
    });
    const sent = await Promise.all(
      Array.from({ length: 30 }, (_, n) => submit(h.service.port, auth, [`user${n}@example.org`])),
    );
    ids.push(...sent.map((s) => s.id));
    if (ids.every((id) => relayed.has(id))) allRelayed();
    await done;
    unsubscribe();

    const rows = await h.database.db
      .select({ status: schema.smtpMessages.status, messageId: schema.smtpMessages.messageIdHeader })
      .from(schema.smtpMessages)
      .where(eq(schema.smtpMessages.credentialId, created.id));
    expect(rows.map((r) => r.status)).toEqual(Array(30).fill("relayed"));
    expect(sink.received.map((m) => m.messageId).sort()).toEqual(rows.map((r) => r.messageId).sort());
  });

  it("lets a delivery under way at shutdown finish and writes its outcome before the runtime closes", async () => {
    const created = await h.createCredential();
    const stuck = sink.hold();
    const sent = await submit(h.service.port, { user: created.username, pass: created.password }, ["late@example.org"]);
    await stuck.reached;
    const workers = h.runtime.relay;
    expect(workers?.holds(sent.id)).toBe(true);
    const shutdown = h.shutdown();
    stuck.release();
    await shutdown;
    const [row] = await h.database.db
      .select({ status: schema.smtpMessages.status })
      .from(schema.smtpMessages)
      .where(eq(schema.smtpMessages.id, sent.id));
    expect(row?.status).toBe("relayed");
    expect(workers?.holds(sent.id)).toBe(false);
  });
});

describe("connections to the upstream", () => {
  let sink: UpstreamSink;
  let h: Harness;
  afterEach(async () => {
    await h.close();
    await sink.close();
  });

  /** Sends `count` messages from one application connection and resolves once the sink has all of them. */
  async function relayThrough(count: number) {
    const created = await h.createCredential();
    const application = nodemailer.createTransport({
      host: "127.0.0.1",
      port: h.service.port,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: created.username, pass: created.password },
      pool: true,
      maxConnections: 1,
      maxMessages: Number.POSITIVE_INFINITY,
    });
    try {
      await Promise.all(
        Array.from({ length: count }, (_, n) =>
          application.sendMail({ from: "app@example.com", to: `user${n}@example.org`, subject: "hi", text: "hi" }),
        ),
      );
    } finally {
      application.close();
    }
    await sink.until((received) => received.length === count);
  }

  it("keeps one connection for as long as the upstream does: 120 messages over one, past nodemailer's 100", async () => {
    sink = await startUpstreamSink();
    h = await startHarness({ relay: { upstream: relayUrlSchema.parse(sink.url), maxConnections: 1 } });
    await relayThrough(120);
    expect(sink.connectionsOpened).toBe(1);
  });

  it("opens a new connection after RELAY_MAX_MESSAGES_PER_CONNECTION messages", async () => {
    sink = await startUpstreamSink();
    h = await startHarness({
      relay: { upstream: relayUrlSchema.parse(sink.url), maxConnections: 1, maxMessagesPerConnection: 10 },
    });
    await relayThrough(30);
    expect(sink.connectionsOpened).toBe(3);
  });
});
