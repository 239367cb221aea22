import { connect } from "node:net";
import { formatSmtpPassword, generateLookupId, parseSmtpPassword } from "@relaypost/core";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./testing/harness";

/**
 * Hostile SMTP input: thousands of generated sessions of random and malformed commands, bad AUTH payloads, huge
 * lines, NUL bytes, pipelined garbage, abrupt disconnects and slow-loris clients, while a real application keeps
 * sending mail. Every session comes from one seeded PRNG, so a failure names the seed that reproduces it:
 * FUZZ_SEED=<seed> FUZZ_SESSIONS=<n> npx vitest run --project smtp src/fuzz.test.ts
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
const SESSIONS = Number(process.env.FUZZ_SESSIONS ?? 2_500);
const CONCURRENCY = 40;
const SLOW_LORIS_CLIENTS = 20;
/** A legitimate send starts alongside the fuzzer after every this many sessions. */
const LEGIT_EVERY = 250;

/** mulberry32: small, fast and good enough to pick fuzz cases; the same seed gives the same sessions. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(256))),
  };
}
type Prng = ReturnType<typeof prng>;

interface Target {
  username: string;
  password: string;
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString("base64");

/** One AUTH attempt that must never succeed: garbage, a near miss on the real credential, or a broken exchange. */
function hostileAuth(r: Prng, target: Target): string[] {
  const lookupId = parseSmtpPassword(target.password)?.lookupId ?? generateLookupId();
  const wrongSecret = formatSmtpPassword(lookupId);
  switch (r.int(12)) {
    case 0:
      return [`AUTH PLAIN ${r.bytes(1 + r.int(60)).toString("latin1")}`];
    case 1:
      return [`AUTH PLAIN ${b64(r.bytes(r.int(200)))}`];
    case 2:
      return ["AUTH PLAIN", `${b64(r.bytes(r.int(80)))}===!`];
    case 3:
      return ["AUTH LOGIN", r.bytes(r.int(40)).toString("latin1"), "*"];
    case 4:
      return [`AUTH PLAIN ${b64(`\0${target.username}\0${wrongSecret}`)}`];
    case 5:
      return [`AUTH PLAIN ${b64(`\0${target.username}x\0${target.password}`)}`];
    case 6:
      return [`AUTH PLAIN ${b64(`someone-else\0${target.username}\0${target.password}`)}`];
    case 7:
      return ["AUTH LOGIN", b64(target.username), b64(`${target.password}\0`)];
    case 8:
      return [`AUTH PLAIN ${b64(`\0${target.username}\0${target.password.slice(0, -1)}`)}`];
    case 9:
      return [`AUTH ${r.pick(["CRAM-MD5", "XOAUTH2", "GSSAPI", "NTLM", "", "PLAIN PLAIN PLAIN"])} ${b64(r.bytes(30))}`];
    case 10:
      return [`AUTH PLAIN ${b64(`\0\0\0${"\0".repeat(r.int(5000))}`)}`];
    default:
      return [`AUTH LOGIN ${b64(target.username)}`, b64(formatSmtpPassword(generateLookupId()))];
  }
}

function hostileLine(r: Prng): string {
  const verb = r.pick([
    "EHLO",
    "HELO",
    "LHLO",
    "MAIL FROM:",
    "RCPT TO:",
    "DATA",
    "BDAT 100",
    "RSET",
    "NOOP",
    "VRFY",
    "EXPN",
    "HELP",
    "STARTTLS",
    "XCLIENT ADDR=10.0.0.1",
    "PROXY TCP4 1.2.3.4 5.6.7.8 1 2",
    "",
  ]);
  switch (r.int(6)) {
    case 0:
      return `${verb} ${r.bytes(r.int(120)).toString("latin1")}`;
    case 1:
      return `${verb}${"\0".repeat(1 + r.int(20))}${verb}`;
    case 2:
      return `${verb} <${"a".repeat(r.int(3000))}@${"b".repeat(r.int(300))}> SIZE=${r.int(2 ** 31)}9999999`;
    case 3:
      return r.bytes(r.int(400)).toString("latin1").replace(/\r\n/g, "");
    case 4:
      return `${verb.toLowerCase()} ${"\u00ff\u00fe\r\u000b".repeat(r.int(50))}`;
    default:
      return verb;
  }
}

/** The bytes of one generated session, and whether it ends with an abrupt reset part-way through. */
function generateSession(r: Prng, target: Target): { chunks: Buffer[]; abrupt: boolean; early: boolean } {
  const lines: string[] = [];
  if (r.chance(0.7)) lines.push(`EHLO fuzz-${r.int(1000)}.example`);
  const steps = 1 + r.int(14);
  for (let i = 0; i < steps; i++) {
    const kind = r.int(10);
    if (kind < 4) lines.push(...hostileAuth(r, target));
    else if (kind < 8) lines.push(hostileLine(r));
    else if (kind === 8) lines.push("A".repeat(16_384 + r.int(1024 * 1024)));
    else
      lines.push(
        "MAIL FROM:<a@example.com>",
        "RCPT TO:<b@example.org>",
        "DATA",
        r.bytes(r.int(2000)).toString("latin1"),
      );
  }
  const endings = ["\r\n", "\n", "\r", "\r\r\n"];
  const text = lines.map((line) => line + (r.chance(0.9) ? "\r\n" : r.pick(endings))).join("");
  const raw = Buffer.from(text, "latin1");
  // Pipelined: the whole session in a few writes, split at random points, never waiting for a reply.
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset < raw.length) {
    const size = r.chance(0.5) ? raw.length - offset : 1 + r.int(raw.length - offset);
    chunks.push(raw.subarray(offset, offset + size));
    offset += size;
  }
  // A few talk before the greeting, which smtp-server answers with 421 at once; the rest wait for it.
  return { chunks, abrupt: r.chance(0.25), early: r.chance(0.03) };
}

interface SessionResult {
  received: string;
}

/** Plays one session from a loopback address and resolves once the connection is closed, by either side. */
function playSession(port: number, localAddress: string, session: ReturnType<typeof generateSession>) {
  return new Promise<SessionResult>((resolve) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress });
    let received = "";
    let played = false;
    const play = () => {
      if (played) return;
      played = true;
      const sent = session.abrupt ? session.chunks.slice(0, Math.max(1, session.chunks.length - 1)) : session.chunks;
      for (const chunk of sent) socket.write(chunk);
      if (session.abrupt) socket.resetAndDestroy();
      else socket.end();
    };
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
      if (/(^|\r\n)220 /.test(received)) play();
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve({ received }));
    if (session.early) socket.once("connect", play);
  });
}

/** A slow-loris client: one byte at a time, holding its connection open until told to stop. */
function slowLoris(port: number, localAddress: string) {
  const socket = connect({ port, host: "127.0.0.1", localAddress });
  socket.on("error", () => {});
  // After the greeting, one command line that never ends: the server must hold it without waiting on it.
  let timer: NodeJS.Timeout | undefined;
  socket.once("data", () => {
    socket.write("EHLO ");
    timer = setInterval(() => {
      if (socket.writable) socket.write("s");
    }, 25);
  });
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  return {
    get open() {
      return !socket.destroyed;
    },
    async stop() {
      clearInterval(timer);
      socket.destroy();
      await closed;
    },
  };
}

async function sendLegitimately(port: number, target: Target, subject: string) {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    localAddress: "127.0.0.2",
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth: { user: target.username, pass: target.password },
  });
  try {
    return await transport.sendMail({ from: "app@example.com", to: "someone@example.org", subject, text: "legit" });
  } finally {
    transport.close();
  }
}

/** Every line a well-behaved SMTP server sends is a reply line: three digits, then a space or a dash. */
const malformedReplyLines = (received: string) =>
  received
    .split("\r\n")
    .filter(Boolean)
    .filter((line) => !/^[2-5]\d\d[ -]/.test(line));

describe(`SMTP listener under hostile input (seed ${SEED})`, () => {
  let h: Harness;
  let target: Target;
  beforeAll(async () => {
    // Short throttle delays keep the run quick; the throttle still escalates and blocks as in production.
    h = await startHarness({ throttle: { baseDelayMs: 5, maxDelayMs: 20 } });
    target = await h.createCredential("fuzz_target");
  });
  afterAll(() => h.close());

  it("never crashes, never lets a wrong login in, stays bounded in memory and keeps serving a real client", async () => {
    const r = prng(SEED);
    const loris = Array.from({ length: SLOW_LORIS_CLIENTS }, (_, i) => slowLoris(h.service.port, `127.0.1.${i + 1}`));
    const legitSends: Array<Promise<unknown>> = [];
    const sessions = Array.from({ length: SESSIONS }, (_, i) => ({
      index: i,
      // Spread over many source addresses so some sessions reach the verifier before their address is blocked.
      localAddress: `127.0.0.${10 + r.int(16)}`,
      session: generateSession(r, target),
    }));

    let acceptedWrongLogins = 0;
    const badReplies: string[] = [];
    let memoryBefore = process.memoryUsage();
    let next = 0;
    const worker = async () => {
      for (;;) {
        const item = sessions[next++];
        if (!item) return;
        if (item.index % LEGIT_EVERY === 0) {
          legitSends.push(sendLegitimately(h.service.port, target, `during fuzz session ${item.index}`));
        }
        if (item.index === CONCURRENCY * 4) memoryBefore = process.memoryUsage();
        const { received } = await playSession(h.service.port, item.localAddress, item.session);
        if (/(^|\r\n)235[ -]/.test(received)) acceptedWrongLogins++;
        badReplies.push(...malformedReplyLines(received).map((line) => `session ${item.index}: ${line.slice(0, 80)}`));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const memoryAfter = process.memoryUsage();

    const sent = await Promise.all(legitSends);
    expect(sent).toHaveLength(Math.ceil(SESSIONS / LEGIT_EVERY));
    for (const info of sent) expect(info).toMatchObject({ accepted: ["someone@example.org"], rejected: [] });
    // The slow-loris clients are still connected (not served by anyone's patience), and harmless.
    expect(loris.every((client) => client.open)).toBe(true);
    await Promise.all(loris.map((client) => client.stop()));

    expect(acceptedWrongLogins).toBe(0);
    expect(badReplies).toEqual([]);
    expect(h.faults).toEqual([]);
    expect(await h.runtime.telemetry.count("relaypost_smtp_logins_total", { outcome: "accepted" })).toBe(sent.length);
    const refused = await h.runtime.telemetry.count("relaypost_smtp_logins_total", { outcome: "refused" });
    const throttled = await h.runtime.telemetry.count("relaypost_smtp_logins_total", { outcome: "throttled" });
    expect(refused + throttled).toBeGreaterThan(SESSIONS / 10);
    // One last login after the storm still works.
    expect(await sendLegitimately(h.service.port, target, "after fuzz")).toMatchObject({ rejected: [] });
    // Generous bounds: the fuzzer's own buffers live in this process too; a leak per session would blow past them.
    const MiB = 1024 * 1024;
    expect((memoryAfter.heapUsed - memoryBefore.heapUsed) / MiB).toBeLessThan(128);
    expect((memoryAfter.rss - memoryBefore.rss) / MiB).toBeLessThan(384);
    // 2,500 sessions: a guard against a hang, with room for a machine busy with the rest of the suite.
  }, 180_000);
});
