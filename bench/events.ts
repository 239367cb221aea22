/**
 * End-to-end latency of live events: from the SMTP `235` reply to the `auth.succeeded` event arriving at WebSocket
 * subscribers, under a steady login load spread over many organizations, on one server process and across two.
 * Run: pnpm --filter @relaypost/bench events -- --postgres postgres://postgres@127.0.0.1:5432/postgres
 */
import { createRelayPostClient, type RelayPostClient } from "@relaypost/client";
import { createCore, operatorScope } from "@relaypost/core";
import { createTestDatabase } from "@relaypost/db/testing";
import { benchArgs } from "./lib/args";
import { type ServerProcess, startServerProcess } from "./lib/processes";
import { smtpLogin } from "./lib/smtp-login";
import { percentile } from "./lib/stats";

const values = benchArgs({
  postgres: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  rate: { type: "string", default: "1000" },
  seconds: { type: "string", default: "10" },
  organizations: { type: "string", default: "100" },
  subscribers: { type: "string", default: "500" },
  credentials: { type: "string", default: "10" },
  mode: { type: "string", default: "both" },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const orgCount = Number(values.organizations);
const subscriberCount = Number(values.subscribers);
const perOrg = Number(values.credentials);

interface Credential {
  id: string;
  organizationIndex: number;
  username: string;
  password: string;
  /** performance.now() of each `235`, in login order; the k-th event for this credential answers the k-th login. */
  replies: number[];
  measured: boolean[];
}

async function run(mode: "same process" | "two processes") {
  const database = await createTestDatabase(values.postgres);
  const core = createCore({ db: database.db });
  const env = { DATABASE_URL: database.url ?? "" };
  const subscriberServer = await startServerProcess(env);
  const smtpServer: ServerProcess = mode === "same process" ? subscriberServer : await startServerProcess(env);

  const credentials: Credential[] = [];
  const tokens: string[] = [];
  for (let o = 0; o < orgCount; o++) {
    const { organization } = await core.organizations.create({
      name: `Bench ${o}`,
      owner: { email: `bench-${o}@example.com`, password: "bench-password" },
    });
    const scope = operatorScope(organization.id, "bench");
    tokens.push((await core.apiKeys.create(scope, { name: "watch", role: "viewer" })).token);
    for (let c = 0; c < perOrg; c++) {
      const { credential, password } = await core.smtpCredentials.create(scope, {});
      credentials.push({
        id: credential.id,
        organizationIndex: o,
        username: credential.username,
        password,
        replies: [],
        measured: [],
      });
    }
  }
  const byId = new Map(credentials.map((c) => [c.id, c]));

  /** Arrival times per credential and login index k, across subscribers; paired with the replies after the run. */
  const arrivals = new Map<string, number[][]>();
  const clients: RelayPostClient[] = [];
  const firstEvent: Array<Promise<void>> = [];
  for (let s = 0; s < subscriberCount; s++) {
    const organizationIndex = s % orgCount;
    const client = createRelayPostClient({ url: subscriberServer.url, apiKey: tokens[organizationIndex] ?? "" });
    clients.push(client);
    const seenPerCredential = new Map<string, number>();
    let ready: () => void = () => {};
    firstEvent.push(new Promise((resolve) => (ready = resolve)));
    client.events.subscribe.subscribe(
      { lastEventId: "0", types: ["auth.succeeded"] },
      {
        onData: ({ data }) => {
          const arrived = performance.now();
          ready();
          if (!data.credentialId || !byId.has(data.credentialId)) return;
          const k = seenPerCredential.get(data.credentialId) ?? 0;
          seenPerCredential.set(data.credentialId, k + 1);
          const perLogin = arrivals.get(data.credentialId) ?? [];
          arrivals.set(data.credentialId, perLogin);
          const times = perLogin[k] ?? [];
          perLogin[k] = times;
          times.push(arrived);
        },
      },
    );
  }

  // Warm-up: one login per credential (argon2 once, then the verification cache) and proof every subscriber is live.
  // Subscribers replay from the first event, so each sees every login of its organization and the pairing holds.
  const warm = async (credential: Credential) => {
    const outcome = await smtpLogin(smtpServer.smtpPort, credential.username, credential.password);
    if (outcome.code !== 235) throw new Error(`warm-up login answered ${outcome.code}`);
    credential.replies.push(outcome.at);
    credential.measured.push(false);
  };
  for (let i = 0; i < credentials.length; i += 16) await Promise.all(credentials.slice(i, i + 16).map(warm));
  await Promise.all(firstEvent);
  const rssStart = smtpServer.rssMiB();

  // Steady load: `rate` logins per second, round-robin over credentials, each login a fresh SMTP session.
  const total = rate * seconds;
  const intervalMs = 1000 / rate;
  const started = performance.now();
  let failures = 0;
  let rssMiddle = 0;
  const inflight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (i === Math.floor(total / 2)) rssMiddle = smtpServer.rssMiB();
    const credential = credentials[i % credentials.length];
    if (!credential) continue;
    // A credential's logins are strictly sequential, so its replies and its events pair up in order.
    const previous = inflight[i % credentials.length] ?? Promise.resolve();
    inflight[i % credentials.length] = previous.then(async () => {
      const outcome = await smtpLogin(smtpServer.smtpPort, credential.username, credential.password);
      if (outcome.code !== 235) {
        failures++;
        return;
      }
      credential.replies.push(outcome.at);
      credential.measured.push(true);
    });
  }
  await Promise.all(inflight);
  const loadSeconds = (performance.now() - started) / 1000;
  const succeeded = credentials.reduce((n, c) => n + c.measured.filter(Boolean).length, 0);
  const subscribersPerOrg = subscriberCount / orgCount;
  const expected = succeeded * subscribersPerOrg;
  // Pair every arrival with its login's reply; an event may even beat the 235 to the load generator (then 0 ms).
  const latencies: number[] = [];
  const delivered = () => {
    latencies.length = 0;
    for (const credential of credentials) {
      const perLogin = arrivals.get(credential.id) ?? [];
      credential.measured.forEach((measured, k) => {
        const repliedAt = credential.replies[k];
        if (!measured || repliedAt === undefined) return;
        for (const arrived of perLogin[k] ?? []) latencies.push(Math.max(0, arrived - repliedAt));
      });
    }
    return latencies.length;
  };
  const drainDeadline = performance.now() + 10_000;
  while (delivered() < expected && performance.now() < drainDeadline) await new Promise((r) => setTimeout(r, 100));
  const rssEnd = smtpServer.rssMiB();
  const subscriberRss = mode === "two processes" ? subscriberServer.rssMiB() : undefined;

  for (const client of clients) client.close();
  await smtpServer.stop();
  if (subscriberServer !== smtpServer) await subscriberServer.stop();
  await database.destroy();

  return {
    mode,
    achievedRate: succeeded / loadSeconds,
    failures,
    expected,
    delivered: latencies.length,
    lost: expected - latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    rss: { start: rssStart, middle: rssMiddle, end: rssEnd, subscriberServer: subscriberRss },
  };
}

const modes = values.mode === "both" ? (["same process", "two processes"] as const) : ([values.mode] as const);
console.log(
  `${rate} logins/s for ${seconds} s over ${orgCount} organizations (${perOrg} credentials each), ${subscriberCount} subscribers`,
);
console.log(
  "| mode | logins/s achieved | failed logins | deliveries expected | delivered | lost | p50 | p99 | max | server RSS start / mid / end |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const mode of modes) {
  const r = await run(mode as "same process" | "two processes");
  const rss = `${r.rss.start.toFixed(0)} / ${r.rss.middle.toFixed(0)} / ${r.rss.end.toFixed(0)} MiB${r.rss.subscriberServer ? ` (subscriber process ${r.rss.subscriberServer.toFixed(0)} MiB)` : ""}`;
  console.log(
    `| ${r.mode} | ${r.achievedRate.toFixed(0)} | ${r.failures} | ${r.expected} | ${r.delivered} | ${r.lost} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.max.toFixed(1)} ms | ${rss} |`,
  );
}
process.exit(0);
