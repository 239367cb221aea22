import { formatSmtpPassword, generateLookupId } from "@relaypost/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./testing/harness";
import { RawSmtpClient } from "./testing/raw-client";

const INVALID = { code: 535, text: "535 5.7.8 Authentication credentials invalid" };

async function loggedInSession(h: Harness, port = h.service.port) {
  const credential = await h.createCredential();
  const client = await RawSmtpClient.connect(port);
  await client.command("EHLO app.example");
  expect((await client.authPlain(credential.username, credential.password))?.code).toBe(235);
  return { client, credential };
}

describe("SMTP protocol", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ smtpsPort: 0, maxMessageBytes: 64 * 1024, maxRecipients: 3 });
  });
  afterAll(() => h.close());

  it("answers an unauthenticated MAIL FROM with 530 5.7.0", async () => {
    const client = await RawSmtpClient.connect(h.service.port);
    await client.command("EHLO app.example");
    expect(await client.command("MAIL FROM:<app@example.com>")).toEqual({
      code: 530,
      text: "530 5.7.0 Authentication required",
    });
    await client.quit();
  });

  it("offers STARTTLS and AUTH PLAIN LOGIN, and logs in over STARTTLS", async () => {
    const credential = await h.createCredential();
    const client = await RawSmtpClient.connect(h.service.port);
    const ehlo = await client.command("EHLO app.example");
    expect(ehlo?.text).toContain("STARTTLS");
    expect(ehlo?.text).toContain("AUTH PLAIN LOGIN");
    await client.startTls();
    await client.command("EHLO app.example");
    expect((await client.authLogin(credential.username, credential.password))?.code).toBe(235);
    await client.quit();
  });

  it("logs in over implicit TLS on the SMTPS port", async () => {
    const credential = await h.createCredential();
    expect(h.service.smtpsPort).toBeGreaterThan(0);
    const client = await RawSmtpClient.connect(h.service.smtpsPort ?? 0, { tls: true });
    await client.command("EHLO app.example");
    expect((await client.authPlain(credential.username, credential.password))?.code).toBe(235);
    await client.quit();
  });

  it("refuses an authorization identity other than the username, with the uniform 535", async () => {
    const credential = await h.createCredential();
    const client = await RawSmtpClient.connect(h.service.port);
    await client.command("EHLO app.example");
    expect(await client.authPlain(credential.username, credential.password, "postmaster")).toEqual(INVALID);
    expect((await client.authPlain(credential.username, credential.password, credential.username))?.code).toBe(235);
    await client.quit();
  });

  it("answers a message over the size limit with 552 and keeps the session usable", async () => {
    const { client, credential } = await loggedInSession(h);
    expect((await client.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
    expect((await client.command("RCPT TO:<a@example.org>"))?.code).toBe(250);
    expect((await client.command("DATA"))?.code).toBe(354);
    const line = `${"x".repeat(998)}\r\n`;
    client.write(line.repeat(70));
    expect(await client.command(".")).toEqual({
      code: 552,
      text: "552 5.3.4 Message size exceeds fixed maximum message size",
    });
    expect((await client.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
    expect((await client.command("RCPT TO:<a@example.org>"))?.code).toBe(250);
    expect((await client.command("DATA"))?.code).toBe(354);
    expect((await client.command("Subject: small\r\n\r\nok\r\n."))?.code).toBe(250);
    await client.quit();
    const counted = (await h.events()).filter((e) => e.credentialId === credential.id && e.type === "message.accepted");
    expect(counted).toHaveLength(1);
  });

  it("refuses a declared SIZE over the limit at MAIL FROM with 552, before any data is sent", async () => {
    const { client } = await loggedInSession(h);
    const reply = await client.command(`MAIL FROM:<app@example.com> SIZE=${64 * 1024 + 1}`);
    expect(reply?.code).toBe(552);
    expect((await client.command("MAIL FROM:<app@example.com> SIZE=1000"))?.code).toBe(250);
    await client.quit();
  });

  it("answers recipients past the limit with 452 4.5.3 and accepts the message for the others", async () => {
    const { client } = await loggedInSession(h);
    expect((await client.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
    for (const n of [1, 2, 3]) expect((await client.command(`RCPT TO:<r${n}@example.org>`))?.code).toBe(250);
    expect(await client.command("RCPT TO:<r4@example.org>")).toEqual({
      code: 452,
      text: "452 4.5.3 Too many recipients",
    });
    expect((await client.command("RCPT TO:<R2@example.org>"))?.code).toBe(250);
    expect((await client.command("DATA"))?.code).toBe(354);
    expect((await client.command("Subject: three\r\n\r\nok\r\n."))?.code).toBe(250);
    await client.quit();
  });

  describe("malformed AUTH input gets a 5xx and the server keeps serving", () => {
    const wellFormedUnknown = formatSmtpPassword(generateLookupId());
    it.each([
      ["bad base64", "AUTH PLAIN !!!not*base64$$$"],
      ["missing NULs", `AUTH PLAIN ${Buffer.from("useronlynopassword").toString("base64")}`],
      ["one NUL only", `AUTH PLAIN ${Buffer.from("user\0password").toString("base64")}`],
      ["a 10 KB line", `AUTH PLAIN ${Buffer.from(`\0user\0${"p".repeat(10_000)}`).toString("base64")}`],
      ["a 10 KB raw line", `AUTH PLAIN ${"A".repeat(10_240)}`],
      ["non-UTF-8 bytes", Buffer.concat([Buffer.from("AUTH PLAIN "), Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28])])],
      [
        "non-UTF-8 credentials",
        `AUTH PLAIN ${Buffer.concat([Buffer.from([0]), Buffer.from([0xff, 0xfe]), Buffer.from([0]), Buffer.from([0xc3, 0x28])]).toString("base64")}`,
      ],
      [
        "control characters in the username",
        `AUTH PLAIN ${Buffer.from(`\0us\ter\0${wellFormedUnknown}`).toString("base64")}`,
      ],
      ["an unknown mechanism", "AUTH CRAM-MD5"],
      ["AUTH with no mechanism", "AUTH"],
      ["AUTH LOGIN with too many arguments", "AUTH LOGIN a b c"],
    ])("%s", async (_, input) => {
      const client = await RawSmtpClient.connect(h.service.port);
      await client.command("EHLO app.example");
      const reply = await client.command(input);
      expect(reply?.code).toBeGreaterThanOrEqual(500);
      expect(reply?.code).toBeLessThan(600);
      client.destroy();
      const { client: healthy } = await loggedInSession(h);
      await healthy.quit();
    });

    it("a LOGIN exchange with garbage at each step", async () => {
      const client = await RawSmtpClient.connect(h.service.port);
      await client.command("EHLO app.example");
      expect((await client.command("AUTH LOGIN"))?.code).toBe(334);
      expect((await client.command("%%%"))?.code).toBe(501);
      expect((await client.command("AUTH LOGIN"))?.code).toBe(334);
      expect((await client.command(Buffer.from([0xc3, 0x28]).toString("base64")))?.code).toBe(334);
      expect(await client.command(Buffer.from([0xff, 0x00, 0xfe]))).toEqual(INVALID);
      expect((await client.command("AUTH LOGIN"))?.code).toBe(334);
      expect((await client.command("*"))?.code).toBe(501);
      await client.quit();
    });
  });

  it("reports nothing it would call a server fault", () => {
    expect(h.faults).toEqual([]);
  });
});

describe("SMTP without TLS, by default", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ allowInsecureLoopbackAuth: false });
  });
  afterAll(() => h.close());

  it("neither advertises nor accepts AUTH before STARTTLS, and does both after it", async () => {
    const credential = await h.createCredential();
    const client = await RawSmtpClient.connect(h.service.port);
    const plaintextEhlo = await client.command("EHLO app.example");
    expect(plaintextEhlo?.text).toContain("STARTTLS");
    expect(plaintextEhlo?.text).not.toContain("AUTH");
    expect((await client.authPlain(credential.username, credential.password))?.code).toBe(500);
    expect(await client.command("MAIL FROM:<app@example.com>")).toEqual({
      code: 530,
      text: "530 5.7.0 Authentication required",
    });
    await client.startTls();
    expect((await client.command("EHLO app.example"))?.text).toContain("AUTH PLAIN LOGIN");
    expect((await client.authPlain(credential.username, credential.password))?.code).toBe(235);
    await client.quit();
    const events = (await h.events()).filter((e) => e.type.startsWith("auth."));
    expect(events.map((e) => e.type)).toEqual(["auth.succeeded"]);
  });

  it("advertises AUTH on implicit TLS from the first EHLO", async () => {
    const tls = await startHarness({ allowInsecureLoopbackAuth: false, smtpsPort: 0 });
    try {
      const credential = await tls.createCredential();
      const client = await RawSmtpClient.connect(tls.service.smtpsPort ?? 0, { tls: true });
      expect((await client.command("EHLO app.example"))?.text).toContain("AUTH PLAIN LOGIN");
      expect((await client.authPlain(credential.username, credential.password))?.code).toBe(235);
      await client.quit();
    } finally {
      await tls.close();
    }
  });
});

describe("SMTP without TLS with the loopback development switch on", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ allowInsecureLoopbackAuth: true });
  });
  afterAll(() => h.close());

  it("advertises and accepts AUTH from loopback in plaintext", async () => {
    const credential = await h.createCredential();
    const client = await RawSmtpClient.connect(h.service.port);
    expect((await client.command("EHLO app.example"))?.text).toContain("AUTH PLAIN LOGIN");
    expect((await client.authPlain(credential.username, credential.password))?.code).toBe(235);
    await client.quit();
  });

  it("still keeps AUTH from a non-loopback client behind TLS", async () => {
    const credential = await h.createCredential();
    const proxied = await startHarness({ allowInsecureLoopbackAuth: true, proxyProtocol: true });
    try {
      const client = await RawSmtpClient.connect(proxied.service.port, {
        preamble: "PROXY TCP4 203.0.113.7 192.0.2.1 40000 25\r\n",
      });
      expect((await client.command("EHLO app.example"))?.text).not.toContain("AUTH");
      expect((await client.authPlain(credential.username, credential.password))?.code).toBe(500);
      await client.quit();
    } finally {
      await proxied.close();
    }
  });
});

describe("SMTP behind a load balancer speaking PROXY protocol", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ proxyProtocol: true, allowInsecureLoopbackAuth: false });
  });
  afterAll(() => h.close());

  it("takes the client address from the PROXY header, for the TLS rule and events", async () => {
    const credential = await h.createCredential();
    const client = await RawSmtpClient.connect(h.service.port, {
      preamble: "PROXY TCP4 203.0.113.7 192.0.2.1 40000 25\r\n",
    });
    expect((await client.command("EHLO app.example"))?.text).not.toContain("AUTH");
    await client.startTls();
    await client.command("EHLO app.example");
    expect((await client.authPlain(credential.username, credential.password))?.code).toBe(235);
    await client.quit();
    const events = (await h.events()).filter((e) => e.type.startsWith("auth."));
    expect(events.map((e) => [e.type, e.remoteAddress])).toEqual([["auth.succeeded", "203.0.113.7"]]);
  });
});
