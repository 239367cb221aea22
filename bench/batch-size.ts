/**
 * Batch amplification: one anonymous HTTP request carrying `--calls` sign-in guesses against one account (tRPC's
 * batch form, `auth.signIn,auth.signIn,…?batch=1`). Reports the request's size, its answer, how many guesses reached
 * argon2 (answered UNAUTHORIZED), the guess rate that one request sustains, and how long a cold SMTP login (right
 * password, no cached verification) waited while the request was being served.
 * Run: pnpm --filter @relaypost/bench batch-size -- --calls 1200
 */
import { createCore } from "@relaypost/core";
import { createTestDatabase } from "@relaypost/db/testing";
import { benchArgs } from "./lib/args";
import { seedOrganization, tally } from "./lib/hardening";
import { startServerProcess } from "./lib/processes";
import { smtpLogin } from "./lib/smtp-login";

const values = benchArgs({
  postgres: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  calls: { type: "string", default: "1200" },
});
const calls = Number(values.calls);

const database = await createTestDatabase(values.postgres);
const core = createCore({ db: database.db });
const server = await startServerProcess({ DATABASE_URL: database.url ?? "" });
const org = await seedOrganization(core, "Batch", 1);
const credential = org.credentials[0];
if (!credential) throw new Error("no credential");
const email = org.owner.email;

const path = Array.from({ length: calls }, () => "auth.signIn").join(",");
const body = JSON.stringify(
  Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, { json: { email, password: `guess-${i}` } }])),
);
const url = `${server.url}/trpc/${path}?batch=1`;

const started = performance.now();
const answer = fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
// A cold login on the SMTP port while the batch is served: its argon2 verification queues behind the guesses.
const login = smtpLogin(server.smtpPort, credential.username, credential.password, "127.0.0.2");
const response = await answer;
const seconds = (performance.now() - started) / 1000;
const results = (await response.json()) as unknown;
const codes = Array.isArray(results)
  ? tally(results.map((r: { error?: { json?: { data?: { code?: string } } } }) => r.error?.json?.data?.code ?? "OK"))
  : {};
const guesses = codes.UNAUTHORIZED ?? 0;
const smtp = await login;

console.log(`Batch size: one anonymous request with ${calls} auth.signIn calls against one account`);
console.log(`Request: ${((url.length + body.length) / 1024).toFixed(1)} KB (URL and body)`);
console.log(
  `Answer: HTTP ${response.status} after ${seconds.toFixed(2)} s; per-call outcomes ${JSON.stringify(codes)}`,
);
console.log(
  `Guesses that reached argon2: ${guesses}; rate one request sustains: ${Math.round((guesses / seconds) * 60)} a minute`,
);
console.log(`Cold SMTP login (right password) during the request: ${smtp.code} after ${smtp.ms.toFixed(0)} ms`);

await server.stop();
await database.destroy();
process.exit(0);
