import { formatSmtpPassword, generateLookupId, parseSmtpPassword, systemActor } from "@relaypost/core";
import { schema } from "@relaypost/db";
import { eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./testing/harness";
import { RawSmtpClient } from "./testing/raw-client";

/** Nodemailer as an application configures it: plain submission on loopback, AUTH with the credential. */
function transportFor(port: number, credential: { username: string; password: string }) {
  return nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    secure: false,
    ignoreTLS: true,
    auth: { user: credential.username, pass: credential.password },
  });
}

async function openSession(h: Harness, credential: { username: string; password: string }) {
  const client = await RawSmtpClient.connect(h.service.port);
  await client.command("EHLO app.example");
  expect((await client.authPlain(credential.username, credential.password))?.code).toBe(235);
  return client;
}

const storedFor = async (h: Harness, credentialId: string) =>
  h.database.db
    .select({ id: schema.smtpMessages.id })
    .from(schema.smtpMessages)
    .where(eq(schema.smtpMessages.credentialId, credentialId));

const rejectionsOf = async (h: Harness, credentialId: string) =>
  (await h.events()).filter((event) => event.type === "message.rejected" && event.credentialId === credentialId);

describe("allowed senders", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  async function restricted(allowedSenders: string[]) {
    const credential = await h.createCredential();
    await h.core.smtpCredentials.update(h.scope, credential.id, { allowedSenders });
    return credential;
  }

  it("accepts mail from an allowed domain, a subdomain of a *.domain and an allowed address, in any case", async () => {
    const credential = await restricted(["example.com", "*.corp.example.org", "ceo@other.net"]);
    const transport = transportFor(h.service.port, credential);
    for (const from of ["App@EXAMPLE.com", "x@mail.corp.example.org", "CEO@Other.NET"]) {
      const info = await transport.sendMail({ from, to: "rcpt@example.net", subject: "hi", text: "hello" });
      expect(info.response).toMatch(/^250 /);
    }
    transport.close();
    expect(await storedFor(h, credential.id)).toHaveLength(3);
  });

  it("answers MAIL FROM outside the rules 550 5.7.1 naming the rule, and reports sender_not_allowed", async () => {
    const credential = await restricted(["example.com"]);
    const transport = transportFor(h.service.port, credential);
    const error = await transport
      .sendMail({ from: "app@mail.example.com", to: "rcpt@example.net", subject: "hi", text: "hello" })
      .then(
        () => undefined,
        (e: { responseCode?: number; response?: string }) => e,
      );
    transport.close();
    expect(error?.responseCode).toBe(550);
    expect(error?.response).toBe("550 5.7.1 Sender address not in this credential's allowed senders");
    expect(await storedFor(h, credential.id)).toEqual([]);
    expect((await rejectionsOf(h, credential.id)).map((e) => e.data)).toEqual([
      { reason: "sender_not_allowed", where: "envelope", sender: "app@mail.example.com" },
    ]);
  });

  it.each([
    ["another domain", "From: Boss <boss@evil.test>\r\n", "boss@evil.test"],
    ["a second address", "From: app@example.com, boss@evil.test\r\n", "boss@evil.test"],
    ["a second From header", "From: app@example.com\r\nFrom: boss@evil.test\r\n", "boss@evil.test"],
    ["no From header", "", ""],
  ])("refuses at DATA a From header with %s, storing nothing", async (_, fromLines, sender) => {
    const credential = await restricted(["example.com"]);
    const client = await openSession(h, credential);
    expect((await client.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
    expect((await client.command("RCPT TO:<rcpt@example.net>"))?.code).toBe(250);
    expect((await client.command("DATA"))?.code).toBe(354);
    expect(await client.command(`${fromLines}Subject: hi\r\n\r\nhello\r\n.`)).toEqual({
      code: 550,
      text: "550 5.7.1 From header address not in this credential's allowed senders",
    });
    await client.quit();
    expect(await storedFor(h, credential.id)).toEqual([]);
    expect((await rejectionsOf(h, credential.id)).map((e) => e.data)).toEqual([
      { reason: "sender_not_allowed", where: "header", sender },
    ]);
  });

  it("applies a rule set while a session is open at its next MAIL FROM, and one set after MAIL FROM at DATA", async () => {
    const credential = await h.createCredential();
    const client = await openSession(h, credential);
    expect((await client.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
    expect((await client.command("RSET"))?.code).toBe(250);
    await h.core.smtpCredentials.update(h.scope, credential.id, { allowedSenders: ["example.org"] });
    expect((await client.command("MAIL FROM:<app@example.com>"))?.code).toBe(550);
    expect((await client.command("MAIL FROM:<app@example.org>"))?.code).toBe(250);
    expect((await client.command("RCPT TO:<rcpt@example.net>"))?.code).toBe(250);
    await h.core.smtpCredentials.update(h.scope, credential.id, { allowedSenders: ["example.net"] });
    expect((await client.command("DATA"))?.code).toBe(354);
    expect((await client.command("From: app@example.net\r\nSubject: hi\r\n\r\nhello\r\n."))?.code).toBe(550);
    await client.quit();
    expect(await storedFor(h, credential.id)).toEqual([]);
    expect((await rejectionsOf(h, credential.id)).map((e) => e.data)).toEqual([
      { reason: "sender_not_allowed", where: "envelope", sender: "app@example.com" },
      { reason: "sender_not_allowed", where: "envelope", sender: "app@example.org" },
    ]);
  });

  it("audits the change and announces it as credential.updated naming what changed", async () => {
    const credential = await restricted(["Example.COM"]);
    const updated = (await h.events()).filter(
      (e) => e.type === "credential.updated" && e.credentialId === credential.id,
    );
    expect(updated.map((e) => e.data)).toEqual([{ actor: "test", active: true, changed: ["allowedSenders"] }]);
    const audit = await h.core.auditLog.list(h.organizationId, { limit: 100 });
    const entry = audit.items.find((item) => item.targetId === credential.id && item.action === "credential.updated");
    expect(entry?.metadata).toEqual({ allowedSenders: ["example.com"] });
  });
});

const refusalsOf = async (h: Harness, credentialId: string) =>
  (await h.events())
    .filter((event) => event.type === "auth.rejected" && event.credentialId === credentialId)
    .map((event) => (event.type === "auth.rejected" ? [event.data.reason, event.remoteAddress] : []));

describe("IP allowlist", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ throttle: { baseDelayMs: 1, maxDelayMs: 4 } });
  });
  afterAll(() => h.close());

  async function restricted(allowedIps: string[]) {
    const credential = await h.createCredential();
    await h.core.smtpCredentials.update(h.scope, credential.id, { allowedIps });
    return credential;
  }

  it("refuses a right password from outside the list exactly as a wrong one (535), reported as ip_not_allowed", async () => {
    const credential = await restricted(["10.0.0.0/8", "2001:db8::/32"]);
    const client = await RawSmtpClient.connect(h.service.port);
    await client.command("EHLO app.example");
    const outside = await client.authPlain(credential.username, credential.password);
    // Well-formed, with the credential's lookup id, but not its password.
    const lookupId = parseSmtpPassword(credential.password)?.lookupId ?? "";
    const wrong = await client.authPlain(credential.username, formatSmtpPassword(lookupId));
    await client.quit();
    expect(outside).toEqual({ code: 535, text: "535 5.7.8 Authentication credentials invalid" });
    expect(outside).toEqual(wrong);
    expect(await refusalsOf(h, credential.id)).toEqual([
      ["ip_not_allowed", "127.0.0.1"],
      ["bad_password", "127.0.0.1"],
    ]);
  });

  it("lets nodemailer log in and send from inside the list", async () => {
    const credential = await restricted(["127.0.0.0/8"]);
    const transport = transportFor(h.service.port, credential);
    const info = await transport.sendMail({ from: "app@example.com", to: "r@example.net", subject: "s", text: "t" });
    transport.close();
    expect(info.response).toMatch(/^250 /);
  });

  it("refuses a login the verification cache knows once its address leaves the list, and at once", async () => {
    const credential = await restricted(["127.0.0.1"]);
    const client = await RawSmtpClient.connect(h.service.port);
    await client.command("EHLO app.example");
    expect((await client.authPlain(credential.username, credential.password))?.code).toBe(235);
    await client.quit();
    await h.core.smtpCredentials.update(h.scope, credential.id, { allowedIps: ["192.0.2.0/24"] });
    const again = await RawSmtpClient.connect(h.service.port);
    await again.command("EHLO app.example");
    expect((await again.authPlain(credential.username, credential.password))?.code).toBe(535);
    await again.quit();
  });

  it("refuses an open session at its next MAIL FROM once its address leaves the list", async () => {
    const credential = await restricted(["127.0.0.0/8"]);
    const client = await openSession(h, credential);
    expect((await client.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
    expect((await client.command("RSET"))?.code).toBe(250);
    await h.core.smtpCredentials.update(h.scope, credential.id, { allowedIps: ["10.0.0.0/8"] });
    expect(await client.command("MAIL FROM:<app@example.com>")).toEqual({
      code: 421,
      text: "421 4.7.0 Credential no longer valid, closing connection",
    });
    await client.whenClosed();
  });
});

describe("IP allowlist behind a PROXY protocol load balancer", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ proxyProtocol: true, throttle: { baseDelayMs: 1, maxDelayMs: 4 } });
  });
  afterAll(() => h.close());

  async function loginVia(proxyLine: string, credential: { username: string; password: string }) {
    const client = await RawSmtpClient.connect(h.service.port, { preamble: `${proxyLine}\r\n` });
    await client.command("EHLO app.example");
    // The client is not on loopback as far as RelayPost can tell, so AUTH needs TLS.
    await client.startTls();
    await client.command("EHLO app.example");
    const reply = await client.authPlain(credential.username, credential.password);
    await client.quit();
    return reply?.code;
  }

  it("checks the client address the proxy reports, IPv4 and IPv6, not the proxy's own", async () => {
    const credential = await h.createCredential();
    await h.core.smtpCredentials.update(h.scope, credential.id, { allowedIps: ["203.0.113.0/24", "2001:db8::/32"] });
    expect(await loginVia("PROXY TCP4 203.0.113.9 127.0.0.1 40000 587", credential)).toBe(235);
    expect(await loginVia("PROXY TCP6 2001:db8::5 ::1 40000 587", credential)).toBe(235);
    expect(await loginVia("PROXY TCP4 127.0.0.1 127.0.0.1 40000 587", credential)).toBe(535);
    expect(await loginVia("PROXY TCP6 2001:db9::5 ::1 40000 587", credential)).toBe(535);
    expect(await refusalsOf(h, credential.id)).toEqual([
      ["ip_not_allowed", "127.0.0.1"],
      ["ip_not_allowed", "2001:db9::5"],
    ]);
  });
});

describe("expiry", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ throttle: { baseDelayMs: 1, maxDelayMs: 4 } });
  });
  afterAll(() => h.close());

  const hourFromNow = () => new Date(Date.now() + 60 * 60_000);
  const secondAgo = () => new Date(Date.now() - 1_000);

  async function login(credential: { username: string; password: string }) {
    const client = await RawSmtpClient.connect(h.service.port);
    await client.command("EHLO app.example");
    const reply = await client.authPlain(credential.username, credential.password);
    await client.quit();
    return reply?.code;
  }

  it("accepts logins before the expiry and refuses them after it with 535, reported as expired", async () => {
    const credential = await h.createCredential();
    await h.core.smtpCredentials.update(h.scope, credential.id, { expiresAt: hourFromNow() });
    expect(await login(credential)).toBe(235);
    // The password is now in the verification cache: the expiry must hold against it too.
    await h.core.smtpCredentials.update(h.scope, credential.id, { expiresAt: secondAgo() });
    expect(await login(credential)).toBe(535);
    expect(await refusalsOf(h, credential.id)).toEqual([["expired", "127.0.0.1"]]);
    await h.core.smtpCredentials.update(h.scope, credential.id, { expiresAt: null });
    expect(await login(credential)).toBe(235);
  });

  it("refuses an open session at its next MAIL FROM once its credential has expired", async () => {
    const credential = await h.createCredential();
    const client = await openSession(h, credential);
    await h.core.smtpCredentials.update(h.scope, credential.id, { expiresAt: secondAgo() });
    expect((await client.command("MAIL FROM:<app@example.com>"))?.code).toBe(421);
    await client.whenClosed();
  });

  it("the maintenance pass emits credential.expired once per expiry, and again for a new one that passes", async () => {
    const expiring = await h.createCredential();
    const later = await h.createCredential();
    await h.core.smtpCredentials.update(h.scope, expiring.id, { expiresAt: secondAgo() });
    await h.core.smtpCredentials.update(h.scope, later.id, { expiresAt: hourFromNow() });
    const expiredEvents = async () =>
      (await h.events()).filter((e) => e.type === "credential.expired").map((e) => e.credentialId);
    await h.runtime.runMaintenance();
    await h.runtime.runMaintenance();
    expect((await expiredEvents()).filter((id) => id === expiring.id || id === later.id)).toEqual([expiring.id]);
    await h.core.smtpCredentials.update(h.scope, expiring.id, { expiresAt: secondAgo() });
    await h.runtime.runMaintenance();
    expect((await expiredEvents()).filter((id) => id === expiring.id)).toEqual([expiring.id, expiring.id]);
    expect(h.faults).toEqual([]);
  });
});

describe("sending limits", () => {
  let h: Harness;
  let clock = new Date("2030-01-01T10:00:05Z");
  beforeAll(async () => {
    h = await startHarness({ now: () => clock });
  });
  afterAll(() => h.close());

  const send = (transport: ReturnType<typeof transportFor>, to: string | string[] = "r@example.net") =>
    transport.sendMail({ from: "app@example.com", to, subject: "s", text: "t" }).then(
      (info) => info.response.slice(0, 3),
      (error: { response?: string }) => error.response,
    );

  /** The reply to MAIL FROM in a session of its own: a credential at its limit is told before it sends anything. */
  const mailFromReply = async (credential: Parameters<typeof openSession>[1]) => {
    const session = await openSession(h, credential);
    const reply = await session.command("MAIL FROM:<app@example.com>");
    await session.quit();
    return reply;
  };

  const limitEvents = async (credentialId: string) => (await rejectionsOf(h, credentialId)).map((event) => event.data);

  it("refuses the message past a per-minute limit 451 4.7.1 at MAIL FROM, and counts again in the next minute", async () => {
    const credential = await h.createCredential();
    await h.core.smtpCredentials.update(h.scope, credential.id, { limits: { perMinute: 2, perDay: 100 } });
    const transport = transportFor(h.service.port, credential);
    expect([await send(transport), await send(transport)]).toEqual(["250", "250"]);
    expect(await send(transport)).toBe("451 4.7.1 Sending limit of this credential reached, try again later");
    expect(await mailFromReply(credential)).toEqual({
      code: 451,
      text: "451 4.7.1 Sending limit of this credential reached, try again later",
    });
    expect(await h.core.smtpCredentials.get(h.organizationId, credential.id)).toMatchObject({
      limits: { perMinute: 2, perDay: 100 },
      usage: { minute: 2, hour: 2, day: 2 },
    });
    clock = new Date(clock.getTime() + 60_000);
    expect(await send(transport)).toBe("250");
    transport.close();
    expect((await h.core.smtpCredentials.get(h.organizationId, credential.id)).usage).toEqual({
      minute: 1,
      hour: 3,
      day: 3,
    });
    expect(await limitEvents(credential.id)).toEqual([
      { reason: "rate_limited", limit: "perMinute", max: 2 },
      { reason: "rate_limited", limit: "perMinute", max: 2 },
    ]);
    expect(await storedFor(h, credential.id)).toHaveLength(3);
  });

  it("refuses at DATA a message that reached the limit after its MAIL FROM, storing nothing", async () => {
    const credential = await h.createCredential();
    await h.core.smtpCredentials.update(h.scope, credential.id, { limits: { perHour: 1 } });
    const late = await openSession(h, credential);
    expect((await late.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
    expect((await late.command("RCPT TO:<r@example.net>"))?.code).toBe(250);
    const transport = transportFor(h.service.port, credential);
    expect(await send(transport)).toBe("250");
    transport.close();
    expect((await late.command("DATA"))?.code).toBe(354);
    expect(await late.command("From: app@example.com\r\nSubject: s\r\n\r\nt\r\n.")).toEqual({
      code: 451,
      text: "451 4.7.1 Sending limit of this credential reached, try again later",
    });
    await late.quit();
    expect(await storedFor(h, credential.id)).toHaveLength(1);
    expect(await mailFromReply(credential)).toEqual({
      code: 451,
      text: "451 4.7.1 Sending limit of this credential reached, try again later",
    });
    expect(await limitEvents(credential.id)).toEqual([
      { reason: "rate_limited", limit: "perHour", max: 1 },
      { reason: "rate_limited", limit: "perHour", max: 1 },
    ]);
  });

  it("refuses the recipient past the per-message limit 451 4.7.1, and a message that has too many at DATA", async () => {
    const credential = await h.createCredential();
    await h.core.smtpCredentials.update(h.scope, credential.id, { limits: { recipientsPerMessage: 2 } });
    const client = await openSession(h, credential);
    expect((await client.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
    expect((await client.command("RCPT TO:<a@example.net>"))?.code).toBe(250);
    expect((await client.command("RCPT TO:<b@example.net>"))?.code).toBe(250);
    expect(await client.command("RCPT TO:<c@example.net>")).toEqual({
      code: 451,
      text: "451 4.7.1 Recipients per message limit of this credential reached",
    });
    await h.core.smtpCredentials.update(h.scope, credential.id, { limits: { recipientsPerMessage: 1 } });
    expect((await client.command("DATA"))?.code).toBe(354);
    expect((await client.command("From: app@example.com\r\n\r\nt\r\n."))?.code).toBe(451);
    await client.quit();
    expect(await storedFor(h, credential.id)).toEqual([]);
    expect(await limitEvents(credential.id)).toEqual([
      { reason: "rate_limited", limit: "recipientsPerMessage", max: 2 },
      { reason: "rate_limited", limit: "recipientsPerMessage", max: 1 },
    ]);
  });

  it("holds a limit exactly against concurrent sessions (on PostgreSQL, on two processes)", async () => {
    const credential = await h.createCredential();
    await h.core.smtpCredentials.update(h.scope, credential.id, { limits: { perDay: 5 } });
    const peer = h.database.url ? await h.startPeer() : undefined;
    const ports = [h.service.port, peer?.port ?? h.service.port];
    // Every session passes MAIL FROM before any sends DATA, so only the counting at DATA can hold the limit.
    const sessions = await Promise.all(
      Array.from({ length: 12 }, async (_, n) => {
        const client = await RawSmtpClient.connect(ports[n % 2] ?? h.service.port);
        await client.command("EHLO app.example");
        // Twelve cold logins at once race on the throttle's rows; none may hear 454.
        expect((await client.authPlain(credential.username, credential.password))?.code).toBe(235);
        expect((await client.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
        expect((await client.command("RCPT TO:<r@example.net>"))?.code).toBe(250);
        expect((await client.command("DATA"))?.code).toBe(354);
        return client;
      }),
    );
    const codes = await Promise.all(
      sessions.map(async (client) => (await client.command("From: app@example.com\r\n\r\nt\r\n."))?.code),
    );
    await Promise.all(sessions.map((client) => client.quit()));
    await peer?.close();
    expect(codes.filter((code) => code === 250)).toHaveLength(5);
    expect(codes.filter((code) => code === 451)).toHaveLength(7);
    expect(await storedFor(h, credential.id)).toHaveLength(5);
  });
});

describe("rotation with overlap", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ throttle: { baseDelayMs: 1, maxDelayMs: 4 } });
  });
  afterAll(() => h.close());

  const successesOf = async (credentialId: string) =>
    (await h.events())
      .filter((e) => e.type === "auth.succeeded" && e.credentialId === credentialId)
      .map((e) => (e.type === "auth.succeeded" ? [e.data.previousPassword ?? false, e.remoteAddress] : []));

  it("keeps the old password working for the overlap, flagging each use of it with the client's address", async () => {
    const credential = await h.createCredential();
    const { password } = await h.core.smtpCredentials.regeneratePassword(h.scope, credential.id, {
      keepPreviousForSeconds: 3600,
    });
    for (const pass of [credential.password, password]) {
      const transport = transportFor(h.service.port, { username: credential.username, password: pass });
      const info = await transport.sendMail({ from: "app@example.com", to: "r@example.net", subject: "s", text: "t" });
      transport.close();
      expect(info.response).toMatch(/^250 /);
    }
    expect(await successesOf(credential.id)).toEqual([
      [true, "127.0.0.1"],
      [false, "127.0.0.1"],
    ]);
    const shown = await h.core.smtpCredentials.get(h.organizationId, credential.id);
    expect(shown.previousPasswordExpiresAt?.getTime()).toBeGreaterThan(Date.now());
  });

  it("ending the overlap stops the old password and its open sessions at once, and only those", async () => {
    const credential = await h.createCredential();
    const oldSession = await openSession(h, credential);
    const { password } = await h.core.smtpCredentials.regeneratePassword(h.scope, credential.id, {
      keepPreviousForSeconds: 600,
    });
    expect((await oldSession.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
    expect((await oldSession.command("RSET"))?.code).toBe(250);
    const newSession = await openSession(h, { username: credential.username, password });
    await h.core.smtpCredentials.endPreviousPassword(h.scope, credential.id);
    expect(await oldSession.read()).toEqual({
      code: 421,
      text: "421 4.7.0 Credential no longer valid, closing connection",
    });
    await oldSession.whenClosed();
    expect((await newSession.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
    await newSession.quit();
    // The old password was verified (and cached) at its login; it must not log in any more.
    const again = await RawSmtpClient.connect(h.service.port);
    await again.command("EHLO app.example");
    expect((await again.authPlain(credential.username, credential.password))?.code).toBe(535);
    await again.quit();
    expect((await h.core.smtpCredentials.get(h.organizationId, credential.id)).previousPasswordExpiresAt).toBeNull();
    const ended = (await h.events()).filter(
      (e) => e.type === "credential.previous_password_ended" && e.credentialId === credential.id,
    );
    expect(ended).toHaveLength(1);
  });

  it("without an overlap the old password stops at once, as before", async () => {
    const credential = await h.createCredential();
    await h.core.smtpCredentials.regeneratePassword(h.scope, credential.id);
    const client = await RawSmtpClient.connect(h.service.port);
    await client.command("EHLO app.example");
    expect((await client.authPlain(credential.username, credential.password))?.code).toBe(535);
    await client.quit();
  });

  it("a second rotation during an overlap stops the oldest password at once", async () => {
    const credential = await h.createCredential();
    const second = await h.core.smtpCredentials.regeneratePassword(h.scope, credential.id, {
      keepPreviousForSeconds: 600,
    });
    await h.core.smtpCredentials.regeneratePassword(h.scope, credential.id, { keepPreviousForSeconds: 600 });
    const codes = [];
    for (const password of [credential.password, second.password]) {
      const client = await RawSmtpClient.connect(h.service.port);
      await client.command("EHLO app.example");
      codes.push((await client.authPlain(credential.username, password))?.code);
      await client.quit();
    }
    expect(codes).toEqual([535, 235]);
  });
});

describe("failed logins whose password names no credential", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ throttle: { baseDelayMs: 1, maxDelayMs: 4 } });
  });
  afterAll(() => h.close());

  async function otherOrganization(name: string) {
    const { organization } = await h.core.organizations.create({
      name,
      owner: { email: `${name.toLowerCase()}@example.com`, password: "owner-password-1" },
    });
    return { organizationId: organization.id, actor: systemActor("test") };
  }

  const refusalsIn = async (organizationId: string) =>
    (await h.events())
      .filter((e) => e.type === "auth.rejected" && e.organizationId === organizationId)
      .map((e) => (e.type === "auth.rejected" ? [e.credentialId, e.username, e.data.reason, e.remoteAddress] : []));

  it("are told to every organization with a credential of that username, each about its own, labelled", async () => {
    const mine = await h.core.smtpCredentials.create(h.scope, { username: "Shared_App" });
    const other = await otherOrganization("Other");
    const theirs = await h.core.smtpCredentials.create(other, { username: "shared_app" });
    const bystander = await otherOrganization("Bystander");
    await h.core.smtpCredentials.create(bystander, { username: "another_app" });
    const client = await RawSmtpClient.connect(h.service.port);
    await client.command("EHLO app.example");
    const malformed = await client.authPlain("SHARED_APP", `${mine.password.slice(0, -3)}`);
    const unknown = await client.authPlain("shared_app", formatSmtpPassword(generateLookupId()));
    const nobody = await client.authPlain("nobody_at_all", "typo");
    await client.quit();
    for (const reply of [malformed, unknown, nobody]) expect(reply?.code).toBe(535);
    expect(await refusalsIn(h.organizationId)).toEqual([
      [mine.credential.id, "Shared_App", "malformed_password", "127.0.0.1"],
      [mine.credential.id, "Shared_App", "unknown_password", "127.0.0.1"],
    ]);
    expect(await refusalsIn(other.organizationId)).toEqual([
      [theirs.credential.id, "shared_app", "malformed_password", "127.0.0.1"],
      [theirs.credential.id, "shared_app", "unknown_password", "127.0.0.1"],
    ]);
    expect(await refusalsIn(bystander.organizationId)).toEqual([]);
    expect(await h.runtime.telemetry.count("relaypost_smtp_logins_total", { attributed: "false" })).toBe(1);
  });
});

describe("a flood of malformed passwords for a known username", () => {
  let h: Harness;
  beforeAll(async () => {
    // Below the malformed-password limit, with the throttle's growing delays cut short.
    h = await startHarness({ throttle: { baseDelayMs: 1, maxDelayMs: 1 } });
  });
  afterAll(() => h.close());

  it("writes one event at once and counts the rest, as for other refusals that cost no hashing", async () => {
    const credential = await h.createCredential();
    const client = await RawSmtpClient.connect(h.service.port);
    await client.command("EHLO app.example");
    for (let i = 0; i < 30; i++) expect((await client.authPlain(credential.username, `typo${i}`))?.code).toBe(535);
    await client.quit();
    h.runtime.refusals.close();
    const refusals = (await h.events()).filter((e) => e.type === "auth.rejected" && e.credentialId === credential.id);
    expect(refusals.map((e) => (e.type === "auth.rejected" ? [e.data.reason, e.data.count ?? 1] : []))).toEqual([
      ["malformed_password", 1],
      ["malformed_password", 29],
    ]);
  });
});
