/**
 * Online guessing of a dashboard password: `--attempts` single `auth.signIn` requests with wrong passwords against one
 * account, `--concurrency` at a time, from one address. Reports how many guesses reached argon2 (answered
 * UNAUTHORIZED) and how many were refused before any hashing (TOO_MANY_REQUESTS), and whether the right password still
 * signs in from another address afterwards.
 * Run: pnpm --filter @relaypost/bench sign-in-guessing -- --attempts 1000 --concurrency 50
 */
import { request } from "node:http";
import { createCore } from "@relaypost/core";
import { createTestDatabase } from "@relaypost/db/testing";
import { benchArgs } from "./lib/args";
import { OWNER_PASSWORD, seedOrganization, tally } from "./lib/hardening";
import { startServerProcess } from "./lib/processes";

const values = benchArgs({
  postgres: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  attempts: { type: "string", default: "1000" },
  concurrency: { type: "string", default: "50" },
});
const attempts = Number(values.attempts);
const concurrency = Number(values.concurrency);

const database = await createTestDatabase(values.postgres);
const core = createCore({ db: database.db });
const server = await startServerProcess({ DATABASE_URL: database.url ?? "" });
const org = await seedOrganization(core, "Guessed", 0);
const email = org.owner.email;

/** One sign-in from `address` (a loopback source the server sees as the client address). */
async function signIn(password: string, localAddress: string): Promise<string> {
  const body = JSON.stringify({ json: { email, password } });
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}/trpc/auth.signIn`,
      { method: "POST", headers: { "content-type": "application/json" }, localAddress },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on("end", () => {
          const parsed = JSON.parse(text) as { error?: { json?: { data?: { code?: string } } } };
          resolve(parsed.error?.json?.data?.code ?? "OK");
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const started = performance.now();
const codes: string[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < attempts) {
      const n = next++;
      codes.push(await signIn(`wrong-guess-${n}`, "127.0.0.1"));
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const outcomes = tally(codes);
const hashed = outcomes.UNAUTHORIZED ?? 0;

console.log(`Sign-in guessing: ${attempts} wrong passwords for one account from 127.0.0.1, ${concurrency} at a time`);
console.log(`Took ${seconds.toFixed(1)} s; answers ${JSON.stringify(outcomes)}`);
console.log(`Guesses that reached argon2: ${hashed} (${Math.round((hashed / seconds) * 60)} a minute)`);
console.log(`Right password afterwards from 127.0.0.3: ${await signIn(OWNER_PASSWORD, "127.0.0.3")}`);

await server.stop();
await database.destroy();
process.exit(0);
