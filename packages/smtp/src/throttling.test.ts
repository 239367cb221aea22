import { formatSmtpPassword, generateLookupId, parseSmtpPassword, type RelayEvent } from "@relaypost/core";
import { testServerUrl } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./testing/harness";
import { RawSmtpClient } from "./testing/raw-client";

/** A well-formed wrong password for the credential whose password is `password`: it names the credential. */
const guessFor = (password: string) => formatSmtpPassword(parseSmtpPassword(password)?.lookupId ?? "");

const INVALID = { code: 535, text: "535 5.7.8 Authentication credentials invalid" };
const THROTTLED = { code: 421, text: "421 4.7.0 Too many failed login attempts, try again later" };

describe("throttling failed logins", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ throttle: { delayAfter: 2, blockAfter: 4, baseDelayMs: 50, maxDelayMs: 200 } });
  });
  afterAll(() => h.close());

  it("a guesser trying new passwords is delayed, then refused with 421 and disconnected", async () => {
    const credential = await h.createCredential();
    const guess = () => guessFor(credential.password);
    const client = await RawSmtpClient.connect(h.service.port);
    await client.command("EHLO guesser.example");
    for (let n = 0; n < 4; n++) expect(await client.authPlain(credential.username, guess())).toEqual(INVALID);
    expect(await client.authPlain(credential.username, credential.password)).toEqual(THROTTLED);
    await client.whenClosed();
    const later = await RawSmtpClient.connect(h.service.port);
    await later.command("EHLO guesser.example");
    expect(await later.authPlain(credential.username, credential.password)).toEqual(THROTTLED);
    await later.whenClosed();
    h.runtime.refusals.flush();
    const throttled = (await h.events()).filter(
      (e): e is RelayEvent<"auth.rejected"> => e.type === "auth.rejected" && e.data.reason === "throttled",
    );
    // The first 421 is written at once, the second counted into the event that closes the window.
    expect(throttled.map((e) => [e.credentialId, e.data.count])).toEqual([
      [credential.id, undefined],
      [credential.id, 1],
    ]);
    expect(await h.runtime.telemetry.count("relaypost_smtp_logins_total", { outcome: "throttled" })).toBe(2);
    // One warning line per block, naming the session and the username, never the password tried.
    const blocks = h.logged.filter((line) => line.message === "SMTP login blocked by the throttle");
    expect(blocks.map((line) => [line.level, line.fields.username, line.fields.reason])).toEqual([
      ["warn", credential.username, "throttled"],
      ["warn", credential.username, "throttled"],
    ]);
    expect(new Set(blocks.map((line) => line.fields.sessionId)).size).toBe(2);
    expect(JSON.stringify(h.logged)).not.toContain(credential.password);
  });
});

describe("a guesser sharing an address with other organizations' applications", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ throttle: { delayAfter: 10, blockAfter: 3, malformedBlockAfter: 6 } });
  });
  afterAll(() => h.close());

  const login = async (username: string, password: string) => {
    const client = await RawSmtpClient.connect(h.service.port);
    await client.command("EHLO app.example");
    const reply = await client.authPlain(username, password);
    client.destroy();
    return reply?.code;
  };

  it("is blocked for the organization it guessed against only, which sees the block and can lift it", async () => {
    const target = await h.createCredential();
    const other = await h.addOrganization("Other");
    const bystander = await other.createCredential();
    for (let n = 0; n < 3; n++) expect(await login(target.username, guessFor(target.password))).toBe(535);
    expect(await login(target.username, target.password)).toBe(421);
    expect(await login(bystander.username, bystander.password)).toBe(235);
    expect(await h.core.smtpLoginBlocks.list(other.organizationId)).toEqual([]);
    expect(await h.core.smtpLoginBlocks.list(h.organizationId)).toMatchObject([{ address: "127.0.0.1", attempts: 3 }]);

    expect(await h.core.smtpLoginBlocks.lift(other.scope, "127.0.0.1")).toEqual({ lifted: false });
    expect(await h.core.smtpLoginBlocks.lift(h.scope, "127.0.0.1")).toEqual({ lifted: true });
    expect(await login(target.username, target.password)).toBe(235);
    const audited = await h.core.auditLog.list(h.organizationId, { limit: 10 });
    expect(audited.items.filter((entry) => entry.action === "smtp_login_block.lifted")).toMatchObject([
      { targetType: "address", targetLabel: "127.0.0.1", actorLabel: "test" },
    ]);
    const othersLog = await h.core.auditLog.list(other.organizationId, { limit: 10 });
    expect(othersLog.items.map((entry) => entry.action)).toEqual(["credential.created"]);
  });

  it("is refused for malformed passwords only after many more, and still blocks nobody's credential", async () => {
    const credential = await h.createCredential();
    for (let n = 0; n < 6; n++) expect(await login(credential.username, `typo-${n}`)).toBe(535);
    expect(await login(credential.username, "typo-6")).toBe(421);
    expect(await login(credential.username, credential.password)).toBe(235);
  });
});

describe("a client that repeats one stale password", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ throttle: { delayAfter: 2, blockAfter: 4, baseDelayMs: 50, maxDelayMs: 200 } });
  });
  afterAll(() => h.close());

  it("is not escalated, counts PLAIN-then-LOGIN once, and logs in once it has the new password", async () => {
    const credential = await h.createCredential();
    const { password } = await h.core.smtpCredentials.regeneratePassword(h.scope, credential.id);
    for (let n = 0; n < 6; n++) {
      const client = await RawSmtpClient.connect(h.service.port);
      await client.command("EHLO app.example");
      expect(await client.authPlain(credential.username, credential.password)).toEqual(INVALID);
      expect(await client.authLogin(credential.username, credential.password)).toEqual(INVALID);
      await client.quit();
    }
    const client = await RawSmtpClient.connect(h.service.port);
    await client.command("EHLO app.example");
    expect((await client.authPlain(credential.username, password))?.code).toBe(235);
    await client.quit();
    expect(await h.runtime.telemetry.count("relaypost_smtp_logins_total", { outcome: "throttled" })).toBe(0);
  });
});

/** Opens one connection per password at once from one address and answers each AUTH's reply code. */
async function guessInParallel(ports: number[], username: string, passwords: string[], preamble?: string) {
  return Promise.all(
    passwords.map(async (password, n) => {
      const port = ports[n % ports.length] ?? 0;
      const client = await RawSmtpClient.connect(port, preamble ? { preamble } : {});
      await client.command("EHLO guesser.example");
      // A proxied client is not on loopback: it must use TLS before AUTH is offered.
      if (preamble) {
        await client.startTls();
        await client.command("EHLO guesser.example");
      }
      const reply = await client.authPlain(username, password);
      client.destroy();
      return reply?.code;
    }),
  );
}

const BLOCK_AFTER = 10;
const guesses = (count: number) => Array.from({ length: count }, () => formatSmtpPassword(generateLookupId()));

describe("a guesser opening many connections at once from one address", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ throttle: { blockAfter: BLOCK_AFTER, baseDelayMs: 1, maxDelayMs: 1 } });
  });
  afterAll(() => h.close());

  it("gets no more guesses verified than the limit", async () => {
    const credential = await h.createCredential();
    const codes = await guessInParallel([h.service.port], credential.username, guesses(300));
    expect(codes.filter((code) => code === 535)).toHaveLength(BLOCK_AFTER);
    expect(codes.filter((code) => code === 421)).toHaveLength(300 - BLOCK_AFTER);
  });

  it("counts an IPv6 client's whole /64 as one address", async () => {
    const proxied = await startHarness({
      proxyProtocol: true,
      throttle: { blockAfter: BLOCK_AFTER, baseDelayMs: 1, maxDelayMs: 1 },
    });
    try {
      const credential = await proxied.createCredential();
      const from = (host: string) => `PROXY TCP6 2001:db8:0:7::${host} 2001:db8::1 40000 25\r\n`;
      for (let n = 1; n <= BLOCK_AFTER; n++) {
        const [code] = await guessInParallel([proxied.service.port], credential.username, guesses(1), from(`${n}`));
        expect(code).toBe(535);
      }
      const [blocked] = await guessInParallel([proxied.service.port], credential.username, guesses(1), from("ffff"));
      expect(blocked).toBe(421);
      const elsewhere = "PROXY TCP6 2001:db8:0:8::1 2001:db8::1 40000 25\r\n";
      const [other] = await guessInParallel([proxied.service.port], credential.username, guesses(1), elsewhere);
      expect(other).toBe(535);
    } finally {
      await proxied.close();
    }
  });
});

describe.skipIf(!testServerUrl)("a guesser spread over two processes on one PostgreSQL", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ throttle: { blockAfter: BLOCK_AFTER, baseDelayMs: 1, maxDelayMs: 1 } });
  });
  afterAll(() => h.close());

  it("gets no more guesses verified between them than one process allows", async () => {
    const peer = await h.startPeer();
    try {
      const credential = await h.createCredential();
      const codes = await guessInParallel([h.service.port, peer.port], credential.username, guesses(300));
      expect(codes.filter((code) => code === 535)).toHaveLength(BLOCK_AFTER);
      expect(codes.filter((code) => code === 421)).toHaveLength(300 - BLOCK_AFTER);
    } finally {
      await peer.close();
    }
  });
});

describe("SMTP logins while account work fills its own argon2 queue", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("still verify passwords", async () => {
    const credential = await h.createCredential();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gate = h.accountHasher.concurrency;
    const occupied = Array.from({ length: gate.limit + 64 }, () => gate.run(() => held));
    try {
      const client = await RawSmtpClient.connect(h.service.port);
      await client.command("EHLO app.example");
      expect((await client.authPlain(credential.username, credential.password))?.code).toBe(235);
      await client.quit();
    } finally {
      release();
      await Promise.all(occupied);
    }
  });
});
