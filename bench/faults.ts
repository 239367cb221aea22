/**
 * Faults under load, each on a throwaway PostgreSQL cluster of its own (never the shared server):
 * - restart:  PostgreSQL stopped and started again while SMTP logins run. Right passwords must get 235 or 454
 *             (never 535), a revoked password never 235; logins recover by themselves once the database is back.
 * - sigkill:  the server is killed with SIGKILL during logins and API writes. After a restart every acknowledged
 *             write is there, and last_used_at lags the last successful login by at most the coalescing interval.
 * - sigterm:  SIGTERM during logins with messages half-sent. In-flight messages finish, idle sessions are closed at
 *             the close timeout, and the process exits 0 within that bound.
 * Run (as root or as the postgres user, with PostgreSQL 15 binaries in PG_BIN, default /usr/lib/postgresql/15/bin):
 *   pnpm --filter @relaypost/bench faults -- --scenario all
 */
import { connect } from "node:net";
import { createRelayPostClient } from "@relaypost/client";
import { createCore } from "@relaypost/core";
import { schema } from "@relaypost/db";
import { createTestDatabase, startThrowawayPostgres } from "@relaypost/db/testing";
import { inArray } from "drizzle-orm";
import { benchArgs } from "./lib/args";
import { seedOrganization, sleep, tally } from "./lib/hardening";
import { startServerProcess } from "./lib/processes";
import { readReplies, smtpLogin } from "./lib/smtp-login";
import { percentile } from "./lib/stats";

const values = benchArgs({
  scenario: { type: "string", default: "all" },
  outage: { type: "string", default: "5" },
  workers: { type: "string", default: "8" },
});
const outageSeconds = Number(values.outage);
const workers = Number(values.workers);
const scenarios = values.scenario === "all" ? ["restart", "sigkill", "sigterm"] : [values.scenario ?? ""];

async function environment() {
  const cluster = await startThrowawayPostgres();
  const database = await createTestDatabase(cluster.url);
  const core = createCore({ db: database.db });
  const env = { DATABASE_URL: database.url ?? "" };
  const server = await startServerProcess(env);
  return { cluster, database, core, env, server };
}

async function restartScenario() {
  const { cluster, database, core, server } = await environment();
  const org = await seedOrganization(core, "Restart", 8);
  const revoked = org.credentials.pop();
  if (!revoked) throw new Error("no credential");
  // The revoked password logs in once first, so the verification cache knows it; then it is replaced.
  await smtpLogin(server.smtpPort, revoked.username, revoked.password, "127.0.0.4");
  await core.smtpCredentials.regeneratePassword(org.scope, revoked.id);
  for (const c of org.credentials) await smtpLogin(server.smtpPort, c.username, c.password, "127.0.0.2");

  type Phase = "before" | "outage" | "after";
  let phase: Phase = "before";
  const right: Array<{ phase: Phase; code: number; at: number; ms: number }> = [];
  const stale: Array<{ phase: Phase; code: number }> = [];
  const readiness: Array<{ phase: Phase; status: number }> = [];
  let running = true;
  const load = Array.from({ length: workers }, async (_, w) => {
    for (let i = w; running; i += workers) {
      const c = org.credentials[i % org.credentials.length];
      if (!c) continue;
      const { code, at, ms } = await smtpLogin(server.smtpPort, c.username, c.password, "127.0.0.2");
      right.push({ phase, code, at, ms });
    }
  });
  const staleLoad = (async () => {
    while (running) {
      const { code } = await smtpLogin(server.smtpPort, revoked.username, revoked.password, "127.0.0.4");
      stale.push({ phase, code });
    }
  })();
  const probe = (async () => {
    while (running) {
      const status = await fetch(`${server.url}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      readiness.push({ phase, status });
      await sleep(250);
    }
  })();

  await sleep(5_000);
  phase = "outage";
  const stoppedAt = performance.now();
  cluster.stop();
  await sleep(outageSeconds * 1000);
  cluster.start();
  const backAt = performance.now();
  phase = "after";
  await sleep(15_000);
  running = false;
  await Promise.all([...load, staleLoad, probe]);

  const firstOk = right.find((r) => r.phase === "after" && r.code === 235);
  const of = (p: Phase) => tally(right.filter((r) => r.phase === p).map((r) => r.code));
  console.log(`\n## restart: PostgreSQL down for ${outageSeconds} s (stop -m fast) under ${workers} login workers`);
  console.log("| phase | right password replies | login p50 / max | revoked password replies | /readyz |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const p of ["before", "outage", "after"] as const) {
    const staleCodes = tally(stale.filter((s) => s.phase === p).map((s) => s.code));
    const ready = tally(readiness.filter((r) => r.phase === p).map((r) => r.status));
    const times = right.filter((r) => r.phase === p).map((r) => r.ms);
    const latency = `${percentile(times, 50).toFixed(0)} / ${Math.max(...times).toFixed(0)} ms`;
    console.log(
      `| ${p} | ${JSON.stringify(of(p))} | ${latency} | ${JSON.stringify(staleCodes)} | ${JSON.stringify(ready)} |`,
    );
  }
  console.log(`right password answered 535: ${right.filter((r) => r.code === 535).length} (must be 0)`);
  console.log(`revoked password answered 235: ${stale.filter((s) => s.code === 235).length} (must be 0)`);
  console.log(
    `first 235 after PostgreSQL was back: ${firstOk ? `${(firstOk.at - backAt).toFixed(0)} ms` : "never"} (outage began ${((backAt - stoppedAt) / 1000).toFixed(1)} s before)`,
  );
  const lastAfter = right.filter((r) => r.phase === "after").slice(-50);
  console.log(`last 50 logins: ${JSON.stringify(tally(lastAfter.map((r) => r.code)))}`);

  await server.stop();
  await database.destroy();
  cluster.destroy();
}

async function sigkillScenario() {
  const { cluster, database, core, env, server } = await environment();
  const org = await seedOrganization(core, "Kill", 10);
  const client = createRelayPostClient({ url: server.url, apiKey: org.adminKey });
  const lastLogin = new Map<string, number>();
  const acknowledgedCreates: string[] = [];
  let acknowledgedUpdate = -1;
  const updated = org.credentials[0];
  if (!updated) throw new Error("no credential");
  let running = true;

  const logins = Array.from({ length: workers }, async (_, w) => {
    for (let i = w; running; i += workers) {
      const c = org.credentials[i % org.credentials.length];
      if (!c) continue;
      const { code } = await smtpLogin(server.smtpPort, c.username, c.password, "127.0.0.2");
      if (code === 235) lastLogin.set(c.id, Date.now());
    }
  });
  const creates = (async () => {
    for (let n = 0; running; n++) {
      const result = await client.smtpCredentials.create.mutate({ description: `ack-${n}` }).catch(() => undefined);
      if (result) acknowledgedCreates.push(result.credential.id);
    }
  })();
  const updates = (async () => {
    for (let n = 0; running; n++) {
      const ok = await client.smtpCredentials.update.mutate({ id: updated.id, description: `v-${n}` }).then(
        () => true,
        () => false,
      );
      if (ok) acknowledgedUpdate = n;
    }
  })();

  await sleep(8_000);
  const killedAt = Date.now();
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGKILL");
  await exited;
  running = false;
  await Promise.all([...logins, creates, updates]);
  client.close();

  const restarted = await startServerProcess(env);
  const rows = await database.db
    .select({
      id: schema.smtpCredentials.id,
      description: schema.smtpCredentials.description,
      lastUsedAt: schema.smtpCredentials.lastUsedAt,
    })
    .from(schema.smtpCredentials)
    .where(inArray(schema.smtpCredentials.id, [...acknowledgedCreates, ...org.credentials.map((c) => c.id)]));
  const present = new Set(rows.map((r) => r.id));
  const lostCreates = acknowledgedCreates.filter((id) => !present.has(id)).length;
  const finalVersion = Number(rows.find((r) => r.id === updated.id)?.description.replace("v-", "") ?? -1);
  const lags = org.credentials.map((c) => {
    const last = lastLogin.get(c.id) ?? 0;
    const stored = rows.find((r) => r.id === c.id)?.lastUsedAt?.getTime() ?? 0;
    return last - stored;
  });
  const after = org.credentials[1];
  const loginAfter = after
    ? await smtpLogin(restarted.smtpPort, after.username, after.password, "127.0.0.2")
    : undefined;

  console.log(
    `\n## sigkill: SIGKILL after 8 s of ${workers} login workers, credential creates and description updates`,
  );
  console.log(`acknowledged creates: ${acknowledgedCreates.length}, missing after restart: ${lostCreates} (must be 0)`);
  console.log(
    `last acknowledged update: v-${acknowledgedUpdate}, stored after restart: v-${finalVersion} (must be ≥ the acknowledged one; +1 means the in-flight update committed unacknowledged)`,
  );
  console.log(
    `last_used_at lag behind the last 235 reply, per credential: max ${Math.max(...lags)} ms, min ${Math.min(...lags)} ms (coalescing interval 1000 ms)`,
  );
  console.log(`kill happened ${killedAt - Math.max(...lastLogin.values())} ms after the last 235 reply`);
  console.log(`login after restart: ${loginAfter?.code}`);

  await restarted.stop();
  await database.destroy();
  cluster.destroy();
}

/** A session held open part-way through a message: authenticated, DATA accepted, body not yet finished. */
async function halfSentMessage(port: number, username: string, password: string) {
  const socket = connect({ port, host: "127.0.0.1", localAddress: "127.0.0.5" });
  const replies: number[] = [];
  const waiters: Array<(code: number) => void> = [];
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.on("error", () => {});
  readReplies(socket, (code) => {
    const waiter = waiters.shift();
    if (waiter) waiter(code);
    else replies.push(code);
  });
  socket.on("close", () => {
    for (const waiter of waiters.splice(0)) waiter(0);
  });
  const next = () => {
    const ready = replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (socket.destroyed) return Promise.resolve(0);
    return new Promise<number>((resolve) => waiters.push(resolve));
  };
  const send = (line: string) => {
    socket.write(`${line}\r\n`);
    return next();
  };
  await next();
  await send("EHLO drain.example");
  const auth = await send(`AUTH PLAIN ${Buffer.from(`\0${username}\0${password}`).toString("base64")}`);
  await send("MAIL FROM:<app@example.com>");
  await send("RCPT TO:<someone@example.org>");
  const data = await send("DATA");
  socket.write("Subject: drain\r\n\r\nfirst half\r\n");
  return {
    ready: auth === 235 && data === 354,
    finish: () => send("second half\r\n."),
    /** The reply the server sends on its own (a 421 at shutdown), or 0 if it just closes. */
    unsolicited: () => next(),
    closed,
  };
}

async function sigtermScenario() {
  const { cluster, database, core, server } = await environment();
  const org = await seedOrganization(core, "Drain", 4);
  const [a, b] = org.credentials;
  if (!a || !b) throw new Error("no credential");
  const finishing = await Promise.all(
    Array.from({ length: 10 }, () => halfSentMessage(server.smtpPort, a.username, a.password)),
  );
  const idle = await Promise.all(
    Array.from({ length: 5 }, () => halfSentMessage(server.smtpPort, b.username, b.password)),
  );
  let running = true;
  const during: number[] = [];
  const load = Array.from({ length: workers }, async () => {
    while (running) during.push((await smtpLogin(server.smtpPort, a.username, a.password, "127.0.0.2")).code);
  });
  await sleep(2_000);

  const signalledAt = performance.now();
  const exited = new Promise<number | null>((resolve) => server.child.once("exit", (code) => resolve(code)));
  server.child.kill("SIGTERM");
  // The messages in flight are completed after the signal, as a client mid-transfer would.
  const finished = await Promise.all(finishing.map((m) => m.finish()));
  const idleEnd = await Promise.all(idle.map((m) => m.unsolicited()));
  const exitCode = await exited;
  const drainMs = performance.now() - signalledAt;
  running = false;
  await Promise.all(load);

  console.log(
    `\n## sigterm: 10 half-sent messages finished after the signal, 5 idle half-sent sessions, ${workers} login workers`,
  );
  console.log(
    `half-sent sessions ready before the signal: ${[...finishing, ...idle].filter((m) => m.ready).length} of 15`,
  );
  console.log(`finished messages' replies: ${JSON.stringify(tally(finished))} (250 = accepted)`);
  console.log(`idle sessions were told: ${JSON.stringify(tally(idleEnd))} (421 at the close timeout)`);
  console.log(`process exited with ${exitCode} ${drainMs.toFixed(0)} ms after SIGTERM (close timeout 10000 ms)`);
  console.log(
    `logins during the run (all workers): ${JSON.stringify(tally(during))} (0 = refused connection after the listener closed)`,
  );

  await database.destroy();
  cluster.destroy();
}

for (const scenario of scenarios) {
  if (scenario === "restart") await restartScenario();
  else if (scenario === "sigkill") await sigkillScenario();
  else if (scenario === "sigterm") await sigtermScenario();
  else throw new Error(`unknown scenario ${scenario}`);
}
process.exit(0);
