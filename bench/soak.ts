/**
 * Soak: one server process under steady mixed load — SMTP logins (right passwords, and a stale one that must keep
 * failing), tRPC calls over HTTP, and 200 WebSocket subscribers — for 10 minutes by default. Prints the server's RSS
 * and the error counts per interval, so a leak or a slow rise in errors shows as a trend.
 * Run: pnpm --filter @relaypost/bench soak -- --minutes 10
 * Smoke: pnpm --filter @relaypost/bench soak -- --minutes 1 --interval 10
 * The built server (after `pnpm build`): add --built
 */
import { createRelayPostClient, type RelayPostClient } from "@relaypost/client";
import { createCore } from "@relaypost/core";
import { createTestDatabase } from "@relaypost/db/testing";
import { benchArgs } from "./lib/args";
import { seedOrganization, sleep } from "./lib/hardening";
import { startServerProcess } from "./lib/processes";
import { smtpLogin } from "./lib/smtp-login";

const values = benchArgs({
  postgres: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  minutes: { type: "string", default: "10" },
  interval: { type: "string", default: "30" },
  "logins-per-second": { type: "string", default: "40" },
  "api-calls-per-second": { type: "string", default: "20" },
  subscribers: { type: "string", default: "200" },
  organizations: { type: "string", default: "20" },
  /** The production bundle run by node (`pnpm build` first), as `pnpm start:prod` runs it, instead of tsx. */
  built: { type: "boolean", default: false },
});
const durationMs = Number(values.minutes) * 60_000;
const intervalMs = Number(values.interval) * 1000;
const loginRate = Number(values["logins-per-second"]);
const apiRate = Number(values["api-calls-per-second"]);
const subscriberCount = Number(values.subscribers);
const orgCount = Number(values.organizations);

const database = await createTestDatabase(values.postgres);
const core = createCore({ db: database.db });
const server = await startServerProcess({ DATABASE_URL: database.url ?? "" }, { built: values.built });

const orgs: Array<Awaited<ReturnType<typeof seedOrganization>>> = [];
for (let o = 0; o < orgCount; o++) orgs.push(await seedOrganization(core, `Soak ${o}`, 3));
// One credential per organization gets a new password; its old one is the stale password an app keeps retrying.
const stale: Array<{ username: string; password: string }> = [];
for (const org of orgs) {
  const first = org.credentials[0];
  if (!first) continue;
  const { password } = await core.smtpCredentials.regeneratePassword(org.scope, first.id);
  stale.push({ username: first.username, password: first.password });
  first.password = password;
}
const credentials = orgs.flatMap((org) => org.credentials);

/** Counters of one reporting window. */
const emptyWindow = () => ({
  logins: 0,
  loginErrors: 0,
  staleAccepted: 0,
  staleOther: 0,
  api: 0,
  apiErrors: 0,
  events: 0,
  wsErrors: 0,
});
let window = emptyWindow();
type Window = typeof window;
const rows: Array<Window & { minute: string; rss: number; lowest: number }> = [];

const clients: RelayPostClient[] = [];
const firstEvent: Array<Promise<void>> = [];
for (let s = 0; s < subscriberCount; s++) {
  const org = orgs[s % orgs.length];
  if (!org) continue;
  const client = createRelayPostClient({ url: server.url, apiKey: org.viewerKey });
  clients.push(client);
  let ready: () => void = () => {};
  firstEvent.push(new Promise((resolve) => (ready = resolve)));
  client.events.subscribe.subscribe(
    { lastEventId: "0" },
    {
      onData: () => {
        window.events++;
        ready();
      },
      onError: () => window.wsErrors++,
    },
  );
}
await Promise.all(firstEvent);

const apiClients = orgs.map((org) => ({
  org,
  client: createRelayPostClient({ url: server.url, apiKey: org.adminKey }),
}));
const started = performance.now();
const deadline = started + durationMs;

/** Runs `task` about `rate` times a second until the deadline, never more than `concurrency` at once. */
async function steady(rate: number, concurrency: number, task: (i: number) => Promise<void>) {
  let i = 0;
  const inflight = new Set<Promise<void>>();
  while (performance.now() < deadline) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (inflight.size >= concurrency) await Promise.race(inflight);
    const run = task(i++).finally(() => inflight.delete(run));
    inflight.add(run);
  }
  await Promise.all(inflight);
}

const logins = steady(loginRate, 64, async (i) => {
  // One in ten is the stale password: it must keep answering 535 (repeats of one password are never escalated).
  if (i % 10 === 9) {
    const s = stale[i % stale.length];
    if (!s) return;
    const { code } = await smtpLogin(server.smtpPort, s.username, s.password, "127.0.0.3");
    if (code === 235) window.staleAccepted++;
    else if (code !== 535) window.staleOther++;
    return;
  }
  const c = credentials[i % credentials.length];
  if (!c) return;
  const { code } = await smtpLogin(server.smtpPort, c.username, c.password, "127.0.0.2");
  window.logins++;
  if (code !== 235) window.loginErrors++;
});

const api = steady(apiRate, 32, async (i) => {
  const entry = apiClients[i % apiClients.length];
  if (!entry) return;
  const { org, client } = entry;
  const credential = org.credentials[(i >> 4) % org.credentials.length];
  window.api++;
  try {
    if (i % 4 === 0) await client.smtpCredentials.list.query({ search: "smtp_" });
    else if (i % 4 === 1 && credential) await client.smtpCredentials.get.query({ id: credential.id });
    else if (i % 4 === 2 && credential)
      await client.smtpCredentials.update.mutate({ id: credential.id, description: `soak ${i}` });
    else await client.auditLog.list.query({ limit: 20 });
  } catch {
    window.apiErrors++;
  }
});

// RSS is read every 5 s; each row reports the last reading and the window's lowest (closest to the live heap after GC).
const sampler = (async () => {
  let windowStart = performance.now();
  let lowest = Number.POSITIVE_INFINITY;
  while (deadline - performance.now() > 1_000) {
    await sleep(Math.min(5_000, deadline - performance.now()));
    const rss = server.rssMiB();
    lowest = Math.min(lowest, rss);
    const now = performance.now();
    if (now - windowStart < intervalMs && deadline - now > 1_000) continue;
    rows.push({ ...window, minute: ((now - started) / 60_000).toFixed(1), rss, lowest });
    window = emptyWindow();
    windowStart = now;
    lowest = Number.POSITIVE_INFINITY;
  }
})();

const rssStart = server.rssMiB();
await Promise.all([logins, api, sampler]);

console.log(
  `Soak: ${values.minutes} min, ${loginRate} SMTP logins/s (1 in 10 a stale password), ${apiRate} API calls/s, ${subscriberCount} WebSocket subscribers over ${orgCount} organizations`,
);
console.log(`RSS after warm-up: ${rssStart.toFixed(0)} MiB`);
console.log(
  "| minute | RSS MiB (lowest in window) | logins | failed logins | stale accepted | stale not 535 | API calls | API errors | events delivered | WS errors |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) {
  console.log(
    `| ${r.minute} | ${r.rss.toFixed(0)} (${r.lowest.toFixed(0)}) | ${r.logins} | ${r.loginErrors} | ${r.staleAccepted} | ${r.staleOther} | ${r.api} | ${r.apiErrors} | ${r.events} | ${r.wsErrors} |`,
  );
}
const middle = rows[Math.floor(rows.length / 2)];
const last = rows[rows.length - 1];
console.log(
  `RSS start / middle / end: ${rssStart.toFixed(0)} / ${middle?.rss.toFixed(0)} / ${last?.rss.toFixed(0)} MiB`,
);

for (const client of [...clients, ...apiClients.map((a) => a.client)]) client.close();
await server.stop();
await database.destroy();
process.exit(0);
