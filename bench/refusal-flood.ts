/**
 * Refusal flood: one address makes as many cheap refused logins as it can for a few seconds against one credential
 * whose lookup id it knows, so every refusal is attributed to the organization. `tls` sends AUTH in plaintext over
 * and over on a few open connections (`538`, no hashing, the connection stays open); `throttled` first gets its
 * address blocked with distinct wrong passwords, then logs in again and again (`421`, a new connection each time).
 * Reports the replies and how many events the attack wrote into the organization's history, and how many refusals
 * those events account for (an aggregated event carries `data.count`).
 * Run: pnpm --filter @relaypost/bench refusal-flood -- --reason tls --seconds 10
 */
import { connect, type Socket } from "node:net";
import { createCore, formatSmtpPassword, parseSmtpPassword } from "@relaypost/core";
import { queryRows } from "@relaypost/db";
import { createTestDatabase } from "@relaypost/db/testing";
import { sql } from "drizzle-orm";
import { benchArgs } from "./lib/args";
import { seedOrganization, tally } from "./lib/hardening";
import { startServerProcess } from "./lib/processes";
import { readReplies, smtpLogin } from "./lib/smtp-login";

const values = benchArgs({
  postgres: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  reason: { type: "string", default: "tls" },
  seconds: { type: "string", default: "10" },
  concurrency: { type: "string", default: "8" },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
if (values.reason !== "tls" && values.reason !== "throttled") throw new Error("--reason is tls or throttled");

const database = await createTestDatabase(values.postgres);
const core = createCore({ db: database.db });
const server = await startServerProcess({
  DATABASE_URL: database.url ?? "",
  // Loopback is the attacker here: without the development exemption a plaintext AUTH is refused with 538.
  SMTP_ALLOW_INSECURE_LOOPBACK_AUTH: values.reason === "tls" ? "false" : "true",
});
const org = await seedOrganization(core, "Flood", 1);
const [target] = org.credentials;
if (!target) throw new Error("no credential");
const { username, password } = target;
const lookupId = parseSmtpPassword(password)?.lookupId ?? "";
const auth = `AUTH PLAIN ${Buffer.from(`\0${username}\0${password}`).toString("base64")}\r\n`;

const codes: number[] = [];
let flooding = true;

/** One connection sending AUTH after each reply until the flood ends or the server hangs up. */
function tlsFlood(): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ port: server.smtpPort, host: "127.0.0.1" });
    let awaiting: "greeting" | "ehlo" | "auth" | "quit" = "greeting";
    socket.on("error", () => resolve());
    socket.on("close", () => resolve());
    readReplies(socket, (code) => {
      if (awaiting === "greeting") {
        awaiting = "ehlo";
        return void socket.write("EHLO flood.example\r\n");
      }
      if (awaiting === "quit") return;
      if (awaiting === "auth") codes.push(code);
      awaiting = flooding ? "auth" : "quit";
      socket.write(flooding ? auth : "QUIT\r\n");
    });
  });
}

async function throttledFlood(): Promise<void> {
  while (flooding) codes.push((await smtpLogin(server.smtpPort, username, password, "127.0.0.1")).code);
}

if (values.reason === "throttled") {
  // Distinct wrong passwords until the address is blocked; these are the expensive refusals, before the flood.
  for (let guess = 0; guess < 20; guess++) {
    const outcome = await smtpLogin(server.smtpPort, username, formatSmtpPassword(lookupId), "127.0.0.1");
    if (outcome.code !== 421) continue;
    codes.push(outcome.code);
    break;
  }
}
const started = performance.now();
const stop = setTimeout(() => {
  flooding = false;
}, seconds * 1000);
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (flooding) await (values.reason === "tls" ? tlsFlood() : throttledFlood());
  }),
);
clearTimeout(stop);
const floodSeconds = (performance.now() - started) / 1000;
// SIGTERM: the server writes what it still holds (buffered events, open aggregation windows) before exiting.
await server.stop();
const after = await countEvents();

async function countEvents() {
  const [row] = await queryRows<{ events: number; refusals: number }>(
    database.db,
    sql`select count(*)::int as events, coalesce(sum(coalesce((data->>'count')::int, 1)), 0)::int as refusals
        from events where organization_id = ${org.organization.id} and type = 'auth.rejected'
          and data->>'reason' = ${values.reason === "tls" ? "tls_required" : "throttled"}`,
  );
  return row ?? { events: 0, refusals: 0 };
}

const replies = tally(codes);
const refused = codes.filter((code) => code === 538 || code === 421).length;
console.log(
  `Refusal flood (${values.reason}) from 127.0.0.1, ${concurrency} at a time, for ${floodSeconds.toFixed(1)} s`,
);
console.log(`Refusals: ${JSON.stringify(replies)} (${(refused / floodSeconds).toFixed(0)}/s)`);
console.log(`Events written by the flood: ${after.events}, accounting for ${after.refusals} of ${refused} refusals`);
await database.destroy();
process.exit(0);
