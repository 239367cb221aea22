/**
 * How long a revoked API key's live subscription survives its revocation: a `relaypost serve` process on PostgreSQL,
 * a viewer key subscribed through @relaypost/client, the key revoked through core on this process (the notice
 * crosses processes by NOTIFY). Reports p50 and max over `--rounds`; exits 1 when any took `--max-ms` or more (the
 * periodic check alone bounds it at about a second). A timing figure, so it lives here and not in the test suite.
 * Run: pnpm --filter @relaypost/bench revocation -- --rounds 20
 */
import { createRelayPostClient } from "@relaypost/client";
import { createCore, systemActor } from "@relaypost/core";
import { createTestDatabase } from "@relaypost/db/testing";
import { benchArgs } from "./lib/args";
import { seedOrganization } from "./lib/hardening";
import { startServerProcess } from "./lib/processes";
import { percentile } from "./lib/stats";

const values = benchArgs({
  postgres: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  rounds: { type: "string", default: "20" },
  "max-ms": { type: "string", default: "1000" },
});
const rounds = Number(values.rounds);
const maxMs = Number(values["max-ms"]);

const database = await createTestDatabase(values.postgres);
const core = createCore({ db: database.db });
const server = await startServerProcess({ DATABASE_URL: database.url ?? "" });
const org = await seedOrganization(core, "Revocation", 0);

/** Subscribes with a fresh viewer key, revokes it once the subscription is live, and times until it ends. */
async function oneRound(round: number): Promise<number> {
  const { apiKey, token } = await core.apiKeys.create(org.scope, { name: `revoked ${round}`, role: "viewer" });
  const client = createRelayPostClient({ url: server.url, apiKey: token });
  let started: () => void = () => {};
  let ended: () => void = () => {};
  const live = new Promise<void>((resolve) => (started = resolve));
  const over = new Promise<void>((resolve) => (ended = resolve));
  client.events.subscribe.subscribe(
    { lastEventId: "0" },
    { onStarted: () => started(), onError: () => ended(), onComplete: () => ended(), onStopped: () => ended() },
  );
  await live;
  const revokedAt = performance.now();
  await core.apiKeys.revoke(org.organization.id, systemActor("bench"), apiKey.id);
  await over;
  const ms = performance.now() - revokedAt;
  client.close();
  return ms;
}

const latencies: number[] = [];
for (let round = 0; round < rounds; round++) latencies.push(await oneRound(round));

const slowest = Math.max(...latencies);
console.log(
  JSON.stringify({ rounds, p50Ms: Math.round(percentile(latencies, 50)), maxMs: Math.round(slowest) }, null, 2),
);
await server.stop();
await database.destroy();
if (slowest >= maxMs) {
  console.error(`FAIL: a revoked key's subscription lasted ${Math.round(slowest)} ms (limit ${maxMs} ms)`);
  process.exit(1);
}
