/**
 * Brute force: a guesser makes 10,000 login attempts from one address against one credential, with the production
 * throttle, while the application that owns the credential keeps logging in with the right password from another
 * address. Reports how many guesses reached argon2 (each well-formed wrong password that is answered 535 cost one
 * verification; a 421 is refused before any hashing), when the guesser was cut off, what the application saw, and
 * what the organization's live feed (subscribed through @relaypost/client) showed of the attack.
 * Run: pnpm --filter @relaypost/bench brute-force -- --attempts 10000
 * `--blind` makes the guesser invent lookup ids too (it does not know one): nothing is attributable to the
 * organization then, so the feed stays empty and the attack shows in metrics only.
 */
import { createRelayPostClient } from "@relaypost/client";
import {
  createCore,
  formatSmtpPassword,
  generateLookupId,
  parseSmtpPassword,
  REFUSAL_WINDOW_MS,
  type RelayEvent,
} from "@relaypost/core";
import { createTestDatabase } from "@relaypost/db/testing";
import { benchArgs } from "./lib/args";
import { seedOrganization, sleep, tally } from "./lib/hardening";
import { startServerProcess } from "./lib/processes";
import { type LoginOutcome, smtpLogin } from "./lib/smtp-login";
import { percentile } from "./lib/stats";

const values = benchArgs({
  postgres: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  attempts: { type: "string", default: "10000" },
  concurrency: { type: "string", default: "8" },
  blind: { type: "boolean", default: false },
});
const attempts = Number(values.attempts);
const concurrency = Number(values.concurrency);

const database = await createTestDatabase(values.postgres);
const core = createCore({ db: database.db });
const server = await startServerProcess({ DATABASE_URL: database.url ?? "" });
const org = await seedOrganization(core, "Brute", 1);
const target = org.credentials[0];
if (!target) throw new Error("no credential");
const lookupId = parseSmtpPassword(target.password)?.lookupId ?? "";

const feed: RelayEvent[] = [];
const watcher = createRelayPostClient({ url: server.url, apiKey: org.viewerKey });
let live: () => void = () => {};
const subscribed = new Promise<void>((resolve) => (live = resolve));
watcher.events.subscribe.subscribe(
  { lastEventId: "0", types: ["auth.rejected", "auth.succeeded"] },
  {
    onStarted: () => live(),
    onData: ({ data }) => {
      feed.push(data);
    },
  },
);
await subscribed;

const guesses: LoginOutcome[] = [];
const app: LoginOutcome[] = [];
let attacking = true;
const started = performance.now();

// The application: one login at a time, back to back, from 127.0.0.2, for as long as the attack runs.
const application = (async () => {
  while (attacking) app.push(await smtpLogin(server.smtpPort, target.username, target.password, "127.0.0.2"));
})();

// The guesser: `concurrency` connections at a time from 127.0.0.1, each one new guess, until `attempts` are made.
let made = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (made < attempts) {
      made++;
      const guess = formatSmtpPassword(values.blind ? generateLookupId() : lookupId);
      guesses.push(await smtpLogin(server.smtpPort, target.username, guess, "127.0.0.1"));
    }
  }),
);
attacking = false;
await application;
const attackSeconds = (performance.now() - started) / 1000;

// The feed is asynchronous (batched publisher, NOTIFY), and refusals past the first of a window are counted into one
// event when the window closes; wait until the feed accounts for every attributable reply.
const attributable = values.blind ? 0 : guesses.filter((g) => g.code === 535 || g.code === 421).length;
const rejectedEvents = () => feed.filter((e) => e.type === "auth.rejected");
const refusalsOf = (e: RelayEvent) => ("count" in e.data && typeof e.data.count === "number" ? e.data.count : 1);
const rejectedInFeed = () => rejectedEvents().reduce((sum, e) => sum + refusalsOf(e), 0);
const patience = REFUSAL_WINDOW_MS + 30_000;
for (let waited = 0; rejectedInFeed() < attributable && waited < patience; waited += 100) await sleep(100);

const codes = tally(guesses.map((g) => g.code));
// Guesses are recorded in reply order. With several in flight, a delayed 535 can arrive after the first 421.
const firstRefusal = guesses.findIndex((g) => g.code === 421);
const lastAdmitted = guesses.findLastIndex((g) => g.code !== 421);
const secondsAt = (i: number) => (((guesses[i]?.at ?? started) - started) / 1000).toFixed(2);
const admitted = guesses.filter((g) => g.code !== 421);
const refused = guesses.filter((g) => g.code === 421);
const ms = (sample: LoginOutcome[], p: number) =>
  percentile(
    sample.map((g) => g.ms),
    p,
  ).toFixed(1);
const appCodes = tally(app.map((a) => a.code));
const feedReasons = tally(rejectedEvents().flatMap((e) => Array<string>(refusalsOf(e)).fill(String(e.data.reason))));
const feedAddresses = tally(rejectedEvents().map((e) => e.remoteAddress ?? "?"));

console.log(
  `Brute force: ${attempts} attempts from 127.0.0.1 (${concurrency} at a time) against one credential${values.blind ? ", lookup ids invented (blind)" : ", lookup id known"}`,
);
console.log(`Attack duration: ${attackSeconds.toFixed(1)} s`);
console.log(`Guesser replies: ${JSON.stringify(codes)}`);
console.log(`Reached argon2 (answered 535): ${codes["535"] ?? 0}`);
console.log(
  `Cut off: first 421 at ${secondsAt(firstRefusal)} s (reply #${firstRefusal + 1}); last reply that was not 421 at ${secondsAt(lastAdmitted)} s (held back by the escalating delay); ${admitted.length} not refused, ${refused.length} refused`,
);
console.log(
  `Guess latency p50/p99, answered 535: ${ms(admitted, 50)} / ${ms(admitted, 99)} ms (escalating delays); answered 421: ${ms(refused, 50)} / ${ms(refused, 99)} ms`,
);
console.log(
  `Application (127.0.0.2, right password) during the attack: ${app.length} logins, replies ${JSON.stringify(appCodes)}, p50 ${percentile(
    app.map((a) => a.ms),
    50,
  ).toFixed(1)} ms, p99 ${percentile(
    app.map((a) => a.ms),
    99,
  ).toFixed(1)} ms`,
);
console.log(
  `Live feed: ${rejectedEvents().length} auth.rejected events accounting for ${rejectedInFeed()} refusals (reasons ${JSON.stringify(feedReasons)}, events from ${JSON.stringify(feedAddresses)}), ${feed.filter((e) => e.type === "auth.succeeded").length} auth.succeeded`,
);

watcher.close();
await server.stop();
await database.destroy();
process.exit(0);
