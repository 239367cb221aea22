import {
  formatSmtpPassword,
  parseSmtpPassword,
  REFUSAL_EVENTS_PER_ADDRESS,
  REFUSAL_WINDOW_MS,
  type RelayEvent,
} from "@relaypost/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./testing/harness";
import { RawSmtpClient } from "./testing/raw-client";

const FLOOD = 2_000;
const CONNECTIONS = 8;

/** The refusals from `remoteAddress` that the organization's history holds, and how many logins they stand for. */
async function history(h: Harness, remoteAddress = "127.0.0.1") {
  const rejected = (await h.events()).filter(
    (e): e is RelayEvent<"auth.rejected"> => e.type === "auth.rejected" && e.remoteAddress === remoteAddress,
  );
  return { rejected, accounted: rejected.reduce((sum, e) => sum + (e.data.count ?? 1), 0) };
}

/**
 * Runs `attempts` logins `concurrency` at a time; each returns its AUTH reply code. smtp-server holds every greeting
 * back 100 ms to catch early talkers, so a flood of new connections needs many at once.
 */
async function inParallel(attempts: number, concurrency: number, login: () => Promise<number | undefined>) {
  const codes: number[] = [];
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < attempts) {
        started++;
        codes.push((await login()) ?? 0);
      }
    }),
  );
  return codes;
}

/** A clock the aggregator reads: real time plus whatever a test skips ahead. */
function skippableClock() {
  let skipped = 0;
  return {
    now: () => Date.now() + skipped,
    skip(ms: number) {
      skipped += ms;
    },
  };
}

describe("one address flooding plaintext AUTH", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ allowInsecureLoopbackAuth: false });
  });
  afterAll(() => h.close());

  it("writes nothing at all: AUTH is not offered before TLS", async () => {
    const credential = await h.createCredential();
    const codes = await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        const client = await RawSmtpClient.connect(h.service.port);
        await client.command("EHLO flood.example");
        const replies: number[] = [];
        while (!client.closed)
          replies.push((await client.authPlain(credential.username, credential.password))?.code ?? 0);
        return replies;
      }),
    );
    expect(new Set(codes.flat())).toEqual(new Set([500, 421, 0]));
    expect((await history(h)).rejected).toEqual([]);
  });
});

describe("one blocked address logging in again and again (421, no hashing)", () => {
  let h: Harness;
  const clock = skippableClock();
  beforeAll(async () => {
    h = await startHarness({
      throttle: { delayAfter: 1, blockAfter: 2, baseDelayMs: 1, maxDelayMs: 1 },
      refusals: { now: clock.now },
    });
  });
  afterAll(() => h.close());

  const login = async (username: string, password: string) => {
    const client = await RawSmtpClient.connect(h.service.port);
    await client.command("EHLO flood.example");
    const reply = await client.authPlain(username, password);
    client.destroy();
    return reply?.code;
  };

  it(`writes a handful of events for ${FLOOD} refusals, and their counts add up`, async () => {
    const credential = await h.createCredential();
    const lookupId = parseSmtpPassword(credential.password)?.lookupId ?? "";
    for (let guess = 0; guess < 2; guess++)
      expect(await login(credential.username, formatSmtpPassword(lookupId))).toBe(535);
    const codes = await inParallel(FLOOD, 50, () => login(credential.username, credential.password));
    expect(new Set(codes)).toEqual(new Set([421]));

    const live = await history(h);
    expect(live.rejected.map((e) => e.data.reason)).toEqual(["bad_password", "bad_password", "throttled"]);
    clock.skip(REFUSAL_WINDOW_MS);
    h.runtime.refusals.tick();
    const closed = await history(h);
    expect(closed.rejected.length).toBeLessThanOrEqual(4);
    expect(closed.rejected.at(-1)?.data).toMatchObject({ reason: "throttled", count: FLOOD - 1 });
    expect(closed.accounted).toBe(FLOOD + 2);
  });
});

describe("expensive refusals from one address", () => {
  let h: Harness;
  const clock = skippableClock();
  beforeAll(async () => {
    h = await startHarness({ proxyProtocol: true, refusals: { now: clock.now } });
  });
  afterAll(() => h.close());

  /** A TLS session from `address` (as a load balancer's PROXY header names it) retrying one password. */
  async function retry(address: string, username: string, password: string, times: number) {
    const client = await RawSmtpClient.connect(h.service.port, {
      preamble: `PROXY TCP4 ${address} 192.0.2.1 40000 587\r\n`,
    });
    await client.command("EHLO app.example");
    await client.startTls();
    await client.command("EHLO app.example");
    const codes: number[] = [];
    for (let n = 0; n < times; n++) codes.push((await client.authPlain(username, password))?.code ?? 0);
    await client.quit();
    return codes;
  }

  it("are written one by one up to the address's budget, then counted, while other addresses keep theirs", async () => {
    const credential = await h.createCredential();
    await h.core.smtpCredentials.regeneratePassword(h.scope, credential.id);
    const extra = 10;
    // A stale password retried is never escalated by the throttle: every attempt costs a full verification.
    const codes = await retry(
      "203.0.113.9",
      credential.username,
      credential.password,
      REFUSAL_EVENTS_PER_ADDRESS + extra,
    );
    expect(new Set(codes)).toEqual(new Set([535]));
    expect((await history(h, "203.0.113.9")).rejected).toHaveLength(REFUSAL_EVENTS_PER_ADDRESS);
    expect(await retry("198.51.100.7", credential.username, credential.password, 1)).toEqual([535]);
    expect((await history(h, "198.51.100.7")).rejected).toHaveLength(1);

    clock.skip(REFUSAL_WINDOW_MS);
    h.runtime.refusals.tick();
    const closed = await history(h, "203.0.113.9");
    expect(closed.rejected).toHaveLength(REFUSAL_EVENTS_PER_ADDRESS + 1);
    expect(closed.rejected.at(-1)?.data).toMatchObject({ reason: "bad_password", count: extra });
    expect(closed.accounted).toBe(REFUSAL_EVENTS_PER_ADDRESS + extra);
  });
});

describe("refusals counted when the service stops", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ throttle: { blockAfter: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  });
  afterAll(() => h.close());

  it("are written at shutdown, not lost with the open window", async () => {
    const credential = await h.createCredential();
    const lookupId = parseSmtpPassword(credential.password)?.lookupId ?? "";
    const login = async (password: string) => {
      const client = await RawSmtpClient.connect(h.service.port);
      await client.command("EHLO app.example");
      const code = (await client.authPlain(credential.username, password))?.code;
      client.destroy();
      return code;
    };
    expect(await login(formatSmtpPassword(lookupId))).toBe(535);
    const codes = await inParallel(50, 10, () => login(credential.password));
    expect(new Set(codes)).toEqual(new Set([421]));
    const before = (await history(h)).rejected.filter((e) => e.data.reason === "throttled");
    expect(before).toHaveLength(1);
    await h.shutdown();
    const written = (await history(h)).rejected.filter((e) => e.data.reason === "throttled");
    expect(written.map((e) => e.data.count)).toEqual([undefined, 49]);
  });
});
