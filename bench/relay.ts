/**
 * Mail through RelayPost against mail sent straight to the upstream. `--apps` applications (one SMTP connection each,
 * nodemailer) send `--messages` messages of `--size` bytes to a sink (smtp-server on loopback), first directly, then
 * through a bare forwarder (bench/lib/forwarder.ts: the same SMTP stack in a process of its own, relaying from memory
 * with nothing stored, the ceiling of any relay here), then through a RelayPost server process whose RELAY_URL is
 * that sink. Reports, for each path:
 * - throughput: messages per second from the first send to the last arrival at the sink, all applications at once;
 * - for RelayPost, the database statements its throughput run cost per message (the server's own metric);
 * - latency at half load: send-to-arrival p50/p99 while the applications send at half RelayPost's throughput, how
 *   long RelayPost took to answer 250, and how long from that 250 to the arrival at the sink;
 * and the peak resident memory of the forwarder and of RelayPost while `--big` messages of 10 MB are in flight at once
 * (`--memory-only`: that alone, after a short warm-up; as many in flight as there are applications at most).
 * `--restricted` adds, right after RelayPost's throughput run, the same run on credentials that carry every kind of
 * restriction (none refusing these messages): what enforcing them costs per message.
 * The database is a fresh one on `--postgres`, or embedded PGlite with `--embedded`. `--max-messages-per-connection`
 * sets RelayPost's RELAY_MAX_MESSAGES_PER_CONNECTION (unset: no limit); `--half-rate` fixes the half-load rate (msg/s)
 * so that two versions are compared at the same one.
 * Run: pnpm --filter @relaypost/bench relay -- --apps 8 --messages 2000
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCore, openDatabase } from "@relaypost/core";
import nodemailer from "nodemailer";
import { benchArgs } from "./lib/args";
import { seedOrganization } from "./lib/hardening";
import { type ServerProcess, serverDatabase, startBaseline, startServerProcess } from "./lib/processes";
import { NON_REFUSING_RESTRICTIONS } from "./lib/restrictions";
import { BENCH_ID_HEADER, type Sink, startSink } from "./lib/sink";
import { percentile } from "./lib/stats";

const values = benchArgs({
  postgres: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  embedded: { type: "boolean", default: false },
  apps: { type: "string", default: "8" },
  messages: { type: "string", default: "2000" },
  size: { type: "string", default: "4096" },
  big: { type: "string", default: "8" },
  restricted: { type: "boolean", default: false },
  "memory-only": { type: "boolean", default: false },
  // The half-load rate in msg/s, to compare two versions at the same rate (default: half of this run's throughput).
  "half-rate": { type: "string", default: "" },
  // RelayPost's RELAY_MAX_MESSAGES_PER_CONNECTION; 100 is how it relayed before connections were kept (nodemailer's).
  "max-messages-per-connection": { type: "string", default: "" },
});
const apps = Number(values.apps);
const total = Number(values.messages);
const size = Number(values.size);
// 10 MB, under the server's default 10 MiB limit once headers are added.
const BIG_BYTES = 10_000_000;

interface Application {
  send(id: string, bytes: number): Promise<void>;
  close(): void;
}

function application(port: number, auth?: { user: string; pass: string }): Application {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 1,
    maxMessages: Number.POSITIVE_INFINITY,
    ...(auth ? { auth } : {}),
  });
  return {
    async send(id, bytes) {
      await transport.sendMail({
        envelope: { from: "app@example.com", to: ["someone@example.org"] },
        raw: `${BENCH_ID_HEADER}: ${id}\r\nFrom: app@example.com\r\nTo: someone@example.org\r\nSubject: bench ${id}\r\n\r\n${"x".repeat(bytes)}\r\n`,
      });
    },
    close: () => transport.close(),
  };
}

/** Sends `count` messages spread over the applications; `interval` paces sends (0: as fast as each connection can). */
async function run(sink: Sink, senders: Application[], label: string, count: number, intervalMs: number) {
  const started = new Map<string, number>();
  /** How long each send waited for its 250. */
  const answered: number[] = [];
  const answeredAt = new Map<string, number>();
  const ids = Array.from({ length: count }, (_, i) => `${label}-${i}-${crypto.randomUUID()}`);
  const first = performance.now();
  await Promise.all(
    senders.map(async (sender, lane) => {
      for (let i = lane; i < ids.length; i += senders.length) {
        const id = ids[i] ?? "";
        if (intervalMs > 0) {
          const due = first + i * intervalMs;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
        const sent = performance.now();
        started.set(id, sent);
        await sender.send(id, size);
        answeredAt.set(id, performance.now());
        answered.push(performance.now() - sent);
      }
    }),
  );
  const accepted = performance.now();
  await sink.waitFor(ids);
  const latencies = ids.map((id) => (sink.arrivals.get(id) ?? Number.NaN) - (started.get(id) ?? Number.NaN));
  const afterAnswer = ids.map((id) => (sink.arrivals.get(id) ?? Number.NaN) - (answeredAt.get(id) ?? Number.NaN));
  const last = Math.max(...ids.map((id) => sink.arrivals.get(id) ?? 0));
  return {
    /** Messages per second answered 250 by the server the applications talk to. */
    acceptedPerSecond: count / ((accepted - first) / 1000),
    perSecond: count / ((last - first) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    answeredP50: percentile(answered, 50),
    answeredP99: percentile(answered, 99),
    /** From the 250 to the arrival at the sink: the delivery's part of the latency. */
    deliveredP50: percentile(afterAnswer, 50),
    deliveredP99: percentile(afterAnswer, 99),
  };
}

async function peakMemory(server: Pick<ServerProcess, "rssMiB">, sink: Sink, senders: Application[], count: number) {
  const idle = server.rssMiB();
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, server.rssMiB());
  }, 20);
  const ids = Array.from({ length: count }, (_, i) => `big-${i}-${crypto.randomUUID()}`);
  try {
    await Promise.all(ids.map((id, i) => senders[i % senders.length]?.send(id, BIG_BYTES)));
    await sink.waitFor(ids);
  } finally {
    clearInterval(sampler);
  }
  return { idleMiB: idle, peakMiB: peak };
}

/** A server process relaying to the sink, with one credential per application seeded in its database. */
async function startRelay(sinkPort: number) {
  const dataDir = mkdtempSync(join(tmpdir(), "relaypost-bench-relay-"));
  const database = values.embedded ? { url: undefined, drop: async () => {} } : await serverDatabase(values.postgres);
  const seeding = await openDatabase({ url: database.url, dataDir });
  const core = createCore({ db: seeding.db });
  const org = await seedOrganization(core, "Relay", apps);
  const restricted = [];
  for (let i = 0; values.restricted && i < apps; i++) {
    const { credential, password } = await core.smtpCredentials.create(org.scope, NON_REFUSING_RESTRICTIONS);
    restricted.push({ username: credential.username, password });
  }
  await seeding.close();
  const server = await startServerProcess({
    ...(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir }),
    RELAY_URL: `smtp://127.0.0.1:${sinkPort}?tls=none`,
    RELAY_MAX_MESSAGES_PER_CONNECTION: values["max-messages-per-connection"],
  });
  return {
    server,
    credentials: org.credentials,
    restricted,
    async stop() {
      await server.stop();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const databaseName = values.embedded ? "embedded PGlite" : "PostgreSQL";
const sink = await startSink();
const direct = Array.from({ length: apps }, () => application(sink.port));
const forwarder = await startBaseline("forwarder.ts", ["--to", String(sink.port)]);
const forwarded = Array.from({ length: apps }, (_, i) => application(forwarder.port, { user: `app${i}`, pass: "x" }));
const relay = await startRelay(sink.port);
const applicationsOf = (credentials: Array<{ username: string; password: string }>) =>
  credentials.map((c) => application(relay.server.smtpPort, { user: c.username, pass: c.password }));
const through = applicationsOf(relay.credentials);
const restrictedThrough = applicationsOf(relay.restricted);
const round = (n: number) => Number(n.toFixed(1));

/** Statements the server has sent to its database so far, from its metrics. */
async function statementsSent(server: ServerProcess): Promise<number> {
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^relaypost_db_queries_total (\d+)/m.exec(metrics)?.[1] ?? Number.NaN);
}

async function memoryOf(server: Pick<ServerProcess, "rssMiB">, senders: Application[]) {
  const memory = await peakMemory(server, sink, senders, Number(values.big));
  return { ...memory, addedMiB: round(memory.peakMiB - memory.idleMiB) };
}

/** Peak memory of the forwarder (which holds each message whole) and of RelayPost, 10 MB messages in flight. */
async function tenMBMessages() {
  return {
    inFlight: Math.min(Number(values.big), apps),
    forwarder: await memoryOf(forwarder, forwarded),
    relay: await memoryOf(relay.server, through),
  };
}

/** Full-speed throughput on each path, then latency at half RelayPost's throughput, then memory. */
async function throughputAndLatency() {
  const fullDirect = await run(sink, direct, "direct", total, 0);
  const fullForwarder = await run(sink, forwarded, "forwarder", total, 0);
  const statementsBefore = await statementsSent(relay.server);
  const fullRelay = await run(sink, through, "relay", total, 0);
  const statementsPerMessage = ((await statementsSent(relay.server)) - statementsBefore) / total;
  const fullRestricted = values.restricted
    ? await run(sink, restrictedThrough, "relay-restricted", total, 0)
    : undefined;
  const halfInterval = 1000 / (Number(values["half-rate"]) || fullRelay.perSecond / 2);
  const halfCount = Math.min(total, Math.round(fullRelay.perSecond * 10));
  const halfDirect = await run(sink, direct, "half-direct", halfCount, halfInterval);
  const halfForwarder = await run(sink, forwarded, "half-forwarder", halfCount, halfInterval);
  const halfRelay = await run(sink, through, "half-relay", halfCount, halfInterval);
  return {
    database: databaseName,
    apps,
    messageBytes: size,
    throughput: {
      directPerSecond: round(fullDirect.perSecond),
      forwarderPerSecond: round(fullForwarder.perSecond),
      relayPerSecond: round(fullRelay.perSecond),
      relayAcceptedPerSecond: round(fullRelay.acceptedPerSecond),
      ratio: Number((fullRelay.perSecond / fullDirect.perSecond).toFixed(2)),
      forwarderRatio: Number((fullForwarder.perSecond / fullDirect.perSecond).toFixed(2)),
      relayToForwarder: Number((fullRelay.perSecond / fullForwarder.perSecond).toFixed(2)),
      relayStatementsPerMessage: Number(statementsPerMessage.toFixed(2)),
    },
    ...(fullRestricted
      ? {
          restricted: {
            relayPerSecond: round(fullRestricted.perSecond),
            relayAcceptedPerSecond: round(fullRestricted.acceptedPerSecond),
            ratioToUnrestricted: Number((fullRestricted.perSecond / fullRelay.perSecond).toFixed(3)),
          },
        }
      : {}),
    halfLoad: {
      perSecond: round(1000 / halfInterval),
      messages: halfCount,
      directMs: { p50: round(halfDirect.p50), p99: round(halfDirect.p99) },
      forwarderMs: { p50: round(halfForwarder.p50), p99: round(halfForwarder.p99) },
      relayMs: { p50: round(halfRelay.p50), p99: round(halfRelay.p99) },
      relayAnsweredMs: { p50: round(halfRelay.answeredP50), p99: round(halfRelay.answeredP99) },
      relayAnswerToArrivalMs: { p50: round(halfRelay.deliveredP50), p99: round(halfRelay.deliveredP99) },
      addedP99Ms: round(halfRelay.p99 - halfDirect.p99),
    },
    tenMBMessages: await tenMBMessages(),
  };
}

try {
  // A short warm-up on each path: connections opened, code paths compiled.
  await run(sink, direct, "warm-direct", apps * 5, 0);
  await run(sink, forwarded, "warm-forwarder", apps * 5, 0);
  await run(sink, through, "warm-relay", apps * 5, 0);
  if (values.restricted) await run(sink, restrictedThrough, "warm-restricted", apps * 5, 0);
  if (values["memory-only"]) {
    console.log(JSON.stringify({ database: databaseName, apps, tenMBMessages: await tenMBMessages() }, null, 2));
  } else {
    console.log(JSON.stringify(await throughputAndLatency(), null, 2));
  }
} finally {
  for (const sender of [...direct, ...forwarded, ...through, ...restrictedThrough]) sender.close();
  await forwarder.stop();
  await relay.stop();
  await sink.close();
}
