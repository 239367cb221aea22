/**
 * Failed logins are indistinguishable by time: an unknown lookup id, a wrong password, an inactive credential and a
 * username that does not match the password each get the same `535` and, over many interleaved samples, the same
 * median time (each pays one argon2 verification; an early exit would answer in well under a millisecond against
 * tens of milliseconds). Exits 1 when the replies differ or the slowest median is `--max-spread` times the fastest
 * or more. A timing figure, so it lives here and not in the test suite: a shared machine's load can skew one run.
 * Run: pnpm --filter @relaypost/bench indistinguishable -- --samples 25
 */
import { createRuntime, formatSmtpPassword, generateLookupId, parseSmtpPassword } from "@relaypost/core";
import { createTestDatabase } from "@relaypost/db/testing";
import { loadTlsMaterial, startSmtpService } from "@relaypost/smtp";
import { RawSmtpClient } from "@relaypost/smtp/testing";
import { benchArgs } from "./lib/args";
import { seedOrganization } from "./lib/hardening";

const values = benchArgs({
  postgres: { type: "string" },
  samples: { type: "string", default: "25" },
  "max-spread": { type: "string", default: "2" },
});
const samples = Number(values.samples);
const maxSpread = Number(values["max-spread"]);

const database = await createTestDatabase(values.postgres);
const onError = (where: string, error: unknown) => console.error(`${where}: ${String(error)}`);
const runtime = await createRuntime(database, {
  onError,
  // The throttle would delay these repeated failures and blur what is measured: the verification path itself.
  smtpThrottle: { delayAfter: 1_000_000, blockAfter: 1_000_001 },
});
const { core } = runtime;
const service = await startSmtpService(
  {
    host: "127.0.0.1",
    port: 0,
    tls: await loadTlsMaterial({ dataDir: "memory://" }),
    allowInsecureLoopbackAuth: true,
    proxyProtocol: false,
  },
  {
    smtpLogin: runtime.smtpLogin,
    smtpSubmission: runtime.smtpSubmission,
    revocations: runtime.revocations,
    access: core.access,
    onError,
    telemetry: runtime.telemetry,
  },
);

const org = await seedOrganization(core, "Timing", 2);
const [live, inactive] = org.credentials;
if (!live || !inactive) throw new Error("no credentials");
const lookupId = parseSmtpPassword(live.password)?.lookupId ?? "";
const attempts: Record<string, { username: string; password: string }> = {
  unknownUser: { username: "nobody_here", password: formatSmtpPassword(generateLookupId()) },
  wrongPassword: { username: live.username, password: formatSmtpPassword(lookupId) },
  inactive: { username: inactive.username, password: inactive.password },
  usernameMismatch: { username: "someone_else", password: live.password },
};

async function auth(username: string, password: string) {
  const client = await RawSmtpClient.connect(service.port);
  await client.command("EHLO probe.example");
  const started = process.hrtime.bigint();
  const reply = await client.authPlain(username, password);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  client.destroy();
  return { reply: `${reply?.code} ${reply?.text}`, ms };
}

// Warm the cache with the real passwords, so a path that consulted it before refusing would show up as fast.
for (const credential of [live, inactive]) {
  const { reply } = await auth(credential.username, credential.password);
  if (!reply.startsWith("235")) throw new Error(`warm-up login answered ${reply}`);
}
await core.smtpCredentials.setActive(org.scope, inactive.id, false);

const kinds = Object.keys(attempts);
const timings = new Map<string, number[]>(kinds.map((kind) => [kind, []]));
const replies = new Set<string>();
for (let round = 0; round < samples; round++) {
  // A fresh order every round, so drift in machine load falls on every kind alike.
  for (const kind of [...kinds].sort(() => Math.random() - 0.5)) {
    const attempt = attempts[kind];
    if (!attempt) throw new Error(kind);
    const { reply, ms } = await auth(attempt.username, attempt.password);
    replies.add(reply);
    timings.get(kind)?.push(ms);
  }
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? Number.NaN;
const medians = Object.fromEntries(kinds.map((kind) => [kind, Number(median(timings.get(kind) ?? []).toFixed(2))]));
const spread = Math.max(...Object.values(medians)) / Math.min(...Object.values(medians));
const sameReply = replies.size === 1 && [...replies][0]?.startsWith("535");
console.log(
  JSON.stringify({ samples, replies: [...replies], medianMs: medians, spread: Number(spread.toFixed(2)) }, null, 2),
);

await service.close();
await runtime.close();
await database.destroy();
if (!sameReply || !(spread < maxSpread)) {
  console.error(`FAIL: ${sameReply ? `spread ${spread.toFixed(2)} ≥ ${maxSpread}` : "the replies differ"}`);
  process.exit(1);
}
