/**
 * SMTP login throughput: baselines and RelayPost under the same load: 512 concurrent sessions, each connect, EHLO,
 * AUTH PLAIN, QUIT. RelayPost is measured for warm logins (password seen before: the verification cache skips argon2
 * after checking the hash just read) against a bare smtp-server that accepts any login, and for cold logins (every
 * password new) and rejected logins (wrong password) against a bare smtp-server that accepts any login after one
 * argon2id verification with the same parameters, since each of those costs RelayPost one verification too.
 * Each load is measured in rounds beside a run of its baseline, and the round with the median ratio is reported.
 * Run: pnpm --filter @relaypost/bench smtp-auth [-- --postgres postgres://postgres@127.0.0.1:5432/postgres]
 *      options: --rounds N (5), --cold-rounds N (3), --credentials N (1024), --warm-sessions N (20000),
 *      --concurrency N (512), --restricted (a second warm set, and the cold sets, get allowed senders, an IP
 *      allowlist, an expiry and sending limits, none of which refuses these logins; each round then runs the
 *      restricted warm set right after the unrestricted one: what enforcing restrictions costs the login path)
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createRelayPostClient } from "@relaypost/client";
import { createPasswordHasher, formatSmtpPassword, parseSmtpPassword } from "@relaypost/core";
import { threadpoolSize } from "@relaypost/server";
import { benchArgs } from "./lib/args";
import { serverDatabase, startBaseline, startServerProcess } from "./lib/processes";
import { NON_REFUSING_RESTRICTIONS } from "./lib/restrictions";
import { smtpLogin } from "./lib/smtp-login";
import { percentile } from "./lib/stats";

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const values = benchArgs({
  postgres: { type: "string" },
  concurrency: { type: "string", default: "512" },
  credentials: { type: "string", default: "1024" },
  "warm-sessions": { type: "string", default: "20000" },
  rounds: { type: "string", default: "5" },
  "cold-rounds": { type: "string", default: "3" },
  restricted: { type: "boolean", default: false },
});
const CONCURRENCY = Number(values.concurrency);
const CREDENTIALS = Number(values.credentials);
const WARM_SESSIONS = Number(values["warm-sessions"]);
const ROUNDS = Number(values.rounds);
const COLD_ROUNDS = Number(values["cold-rounds"]);
const RESTRICTIONS = values.restricted ? NON_REFUSING_RESTRICTIONS : {};

interface Login {
  username: string;
  password: string;
  /** Source address on loopback; rejected logins each use their own so the per-address throttle stays out. */
  from?: string;
}

/** One session as an application opens it; resolves with the AUTH reply code. */
const session = (port: number, login: Login) =>
  smtpLogin(port, login.username, login.password, login.from).then((outcome) => outcome.code);

interface Result {
  name: string;
  sessions: number;
  perSecond: number;
  p50: number;
  p99: number;
  codes: Record<number, number>;
}

/** Runs every login with at most CONCURRENCY sessions open at once; measures each from connect to AUTH reply. */
async function load(name: string, port: number, logins: Login[]): Promise<Result> {
  const latencies: number[] = [];
  const codes: Record<number, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, logins.length) }, async () => {
      for (let i = next++; i < logins.length; i = next++) {
        const login = logins[i];
        if (!login) continue;
        const t0 = performance.now();
        const code = await session(port, login);
        latencies.push(performance.now() - t0);
        codes[code] = (codes[code] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    name,
    sessions: logins.length,
    perSecond: logins.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    codes,
  };
}

// --- Database and an organization with an API key, made with the CLI before the server holds the database.
const { url: databaseUrl, drop: dropDatabase } = await serverDatabase(values.postgres);
const dataDir = await mkdtemp(join(tmpdir(), "relaypost-bench-"));
const threadpool = String(threadpoolSize());
const env: Record<string, string> = {
  DATA_DIR: dataDir,
  UV_THREADPOOL_SIZE: threadpool,
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
};
const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
  run(process.execPath, ["--import", "tsx", "apps/server/src/main.ts", ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env, ...extraEnv },
  });
const org = JSON.parse(
  (
    await cli(["org", "create", "--name", "Bench", "--owner-email", "bench@example.com"], {
      RELAYPOST_OWNER_PASSWORD: "bench-password-1",
    })
  ).stdout,
) as { id: string };
const apiKey =
  (await cli(["api-key", "create", "--org", org.id, "--name", "bench", "--role", "admin"])).stdout
    .trim()
    .split("\n")
    .at(-1) ?? "";

// --- Baselines, kept running beside RelayPost: each measurement of RelayPost has a run of its baseline next to it.
const anyLogins = (n: number): Login[] =>
  Array.from({ length: n }, (_, i) => ({ username: `user${i}`, password: `password${i}` }));
const bare = await startBaseline("bare-smtp-server.ts");
await load("bare warm-up", bare.port, anyLogins(2_000));
const bareArgon2 = await startBaseline("bare-smtp-server.ts", ["--argon2"]);
await load("bare + argon2id warm-up", bareArgon2.port, anyLogins(64));

// --- RelayPost.
const server = await startServerProcess(env);
const client = createRelayPostClient({ url: server.url, apiKey });
// One set for warm logins, then one per cold round whose passwords are first presented in that round, so that cold
// logins are measured last, on a server as warmed up as its baseline; and 64 for a cold warm-up, as the argon2id
// baseline gets.
const COLD_WARM_UP = 64;
// With --restricted, a second warm set with restrictions comes last.
const credentials: Login[] = [];
const creating = performance.now();
const TOTAL = (1 + COLD_ROUNDS) * CREDENTIALS + COLD_WARM_UP + (values.restricted ? CREDENTIALS : 0);
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (credentials.length < TOTAL) {
      const index = credentials.length;
      credentials.push({ username: "", password: "" });
      const created = await client.smtpCredentials.create.mutate({
        username: `bench_${String(index).padStart(5, "0")}`,
        ...(index < CREDENTIALS ? {} : RESTRICTIONS),
      });
      credentials[index] = { username: created.credential.username, password: created.password };
    }
  }),
);
const createSeconds = (performance.now() - creating) / 1000;
const warmSet = credentials.slice(0, CREDENTIALS);
const restrictedWarmSet = values.restricted ? credentials.slice(-CREDENTIALS) : [];

// Warm logins alternate with the bare server, round by round: this machine's speed drifts by more than the
// difference being measured, so each round's ratio compares two runs a few seconds apart, and the median is reported.
// The warm-up presents every password of the warm set once (the cold verification the cache then vouches for).
const warmLogins = Array.from({ length: WARM_SESSIONS }, (_, i) => warmSet[i % warmSet.length] as Login);
await load("RelayPost warm-up", server.smtpPort, warmLogins.slice(0, CREDENTIALS + 2_000));
const restrictedLogins = warmLogins.map((_, i) => restrictedWarmSet[i % CREDENTIALS] as Login);
if (values.restricted)
  await load("RelayPost restricted warm-up", server.smtpPort, restrictedLogins.slice(0, CREDENTIALS));
const rounds: Array<{ bare: Result; warm: Result; restricted?: Result }> = [];
for (let round = 0; round < ROUNDS; round++) {
  rounds.push({
    bare: await load("bare smtp-server", bare.port, anyLogins(WARM_SESSIONS)),
    warm: await load("RelayPost warm (password seen before)", server.smtpPort, warmLogins),
    ...(values.restricted
      ? { restricted: await load("RelayPost warm, restricted credentials", server.smtpPort, restrictedLogins) }
      : {}),
  });
}
await bare.stop();

// Cold and rejected logins in rounds too, each beside a run of its baseline: cold on a set of passwords never
// presented before, then rejected on the same set (one wrong password per credential, from addresses of its own).
const coldWarmUpStart = (1 + COLD_ROUNDS) * CREDENTIALS;
await load(
  "RelayPost cold warm-up",
  server.smtpPort,
  credentials.slice(coldWarmUpStart, coldWarmUpStart + COLD_WARM_UP),
);
const coldRounds: Array<{ baseline: Result; cold: Result; rejected: Result }> = [];
for (let round = 0; round < COLD_ROUNDS; round++) {
  const coldSet = credentials.slice((1 + round) * CREDENTIALS, (2 + round) * CREDENTIALS);
  const baseline = await load("bare smtp-server + one argon2id verification", bareArgon2.port, anyLogins(CREDENTIALS));
  const cold = await load("RelayPost cold (each password new)", server.smtpPort, coldSet);
  const rejectedLogins = coldSet.map((c, i) => ({
    username: c.username,
    password: formatSmtpPassword(parseSmtpPassword(c.password)?.lookupId ?? ""),
    from: `127.${round + 1}.${(i >> 7) + 1}.${(i & 127) + 1}`,
  }));
  const rejected = await load("RelayPost rejected (wrong password)", server.smtpPort, rejectedLogins);
  coldRounds.push({ baseline, cold, rejected });
}
await bareArgon2.stop();
await server.stop();
await rm(dataDir, { recursive: true, force: true });
await dropDatabase();
/** The round whose measured load has the median ratio to its baseline. */
function medianRound<R>(all: R[], ratio: (round: R) => number): R {
  return [...all].sort((a, b) => ratio(a) - ratio(b))[Math.floor((all.length - 1) / 2)] as R;
}
const percentOf = (r: Result, baseline: Result) => `${((r.perSecond / baseline.perSecond) * 100).toFixed(1)}%`;
const { bare: bareResult, warm } = medianRound(rounds, (r) => r.warm.perSecond / r.bare.perSecond);
const {
  baseline: bareArgon2Result,
  cold,
  rejected,
} = medianRound(coldRounds, (r) => r.cold.perSecond / r.baseline.perSecond);

/** Restricted against unrestricted warm logins, each round's pair run back to back; the median ratio. */
function restrictedSummary(): string {
  const pairs = rounds.flatMap((r) => (r.restricted ? [{ warm: r.warm, restricted: r.restricted }] : []));
  if (pairs.length === 0) return "";
  const ratios = pairs.map((p) => p.restricted.perSecond / p.warm.perSecond).sort((a, b) => a - b);
  const median = ratios[Math.floor((ratios.length - 1) / 2)] ?? 0;
  return `
Restricted warm logins against unrestricted, each round (sessions/s, p99 ms):
${pairs.map((p, i) => `${i + 1}. ${p.warm.perSecond.toFixed(0)} / ${p.restricted.perSecond.toFixed(0)} = ${percentOf(p.restricted, p.warm)}; p99 ${p.warm.p99.toFixed(1)} / ${p.restricted.p99.toFixed(1)}; replies ${JSON.stringify(p.restricted.codes)}`).join("\n")}
Median: ${(median * 100).toFixed(1)}%`;
}

// --- One argon2id verification on this machine, for scale.
const hasher = createPasswordHasher({ concurrency: 1 });
const sample = await hasher.hash("bench-password");
const t0 = performance.now();
for (let i = 0; i < 20; i++) await hasher.verify(sample, "bench-password");
const argon2Ms = (performance.now() - t0) / 20;

// Each load against the baseline doing the same essential work: warm logins need no argon2, cold and rejected one each.
const rows: Array<[Result, Result | undefined]> = [
  [bareResult, undefined],
  [bareArgon2Result, undefined],
  [warm, bareResult],
  [cold, bareArgon2Result],
  [rejected, bareArgon2Result],
];
const ratio = (r: Result, baseline: Result | undefined) =>
  baseline ? `${percentOf(r, baseline)} of ${baseline === bareResult ? "bare" : "bare + argon2id"}` : "baseline";
const line = ([r, baseline]: [Result, Result | undefined]) =>
  `| ${r.name} | ${r.sessions} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${ratio(r, baseline)} | ${Object.entries(
    r.codes,
  )
    .map(([c, n]) => `${c}×${n}`)
    .join(" ")} |`;
console.log(`
Machine: ${cpus()[0]?.model ?? "unknown"}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}
Database: ${databaseUrl ? "PostgreSQL" : "embedded PGlite"}; UV_THREADPOOL_SIZE=${threadpool}; ${CONCURRENCY} concurrent sessions; restrictions ${values.restricted ? "on the second warm set and the cold sets" : "none"}
One argon2id verification (m=19456 KiB, t=2, p=1): ${argon2Ms.toFixed(1)} ms on one core; ${credentials.length} credentials created in ${createSeconds.toFixed(1)} s

| load | sessions | sessions/s | p50 ms | p99 ms | rate against its baseline | AUTH replies |
| --- | --- | --- | --- | --- | --- | --- |
${rows.map(line).join("\n")}

Warm rows: the median of ${ROUNDS} rounds by ratio. Each round, bare then RelayPost warm (sessions/s):
${rounds.map((r, i) => `${i + 1}. ${r.bare.perSecond.toFixed(0)} / ${r.warm.perSecond.toFixed(0)} = ${percentOf(r.warm, r.bare)}`).join("\n")}
${restrictedSummary()}

Cold rows: the round of ${COLD_ROUNDS} with the median cold ratio. Each round, bare + argon2id / cold / rejected:
${coldRounds.map((r, i) => `${i + 1}. ${r.baseline.perSecond.toFixed(0)} / ${r.cold.perSecond.toFixed(0)} (${percentOf(r.cold, r.baseline)}) / ${r.rejected.perSecond.toFixed(0)} (${percentOf(r.rejected, r.baseline)})`).join("\n")}
`);
process.exit(0);
