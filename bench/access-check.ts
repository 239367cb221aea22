/**
 * The periodic WebSocket access check: one query for every open connection of a process. Times it for a process
 * holding connections of `--sessions` signed-in users (one session and one membership claim each) and `--keys` API
 * keys, all still valid (the usual case: nothing lapsed, nothing to close).
 * Run: pnpm --filter @relaypost/bench access-check [-- --postgres postgres://postgres@127.0.0.1:5432/postgres]
 */
import { randomBytes } from "node:crypto";
import { type AccessClaim, createCore } from "@relaypost/core";
import { schema } from "@relaypost/db";
import { createTestDatabase } from "@relaypost/db/testing";
import { benchArgs } from "./lib/args";
import { measure, ms, type Summary } from "./lib/stats";

const values = benchArgs({
  postgres: { type: "string" },
  sessions: { type: "string", default: "5000" },
  keys: { type: "string", default: "2500" },
});
const database = await createTestDatabase(values.postgres);
const core = createCore({ db: database.db });
const token = () => randomBytes(32).toString("hex");

const [organization] = await database.db
  .insert(schema.organizations)
  .values({ name: "Bench", slug: "bench" })
  .returning({ id: schema.organizations.id });
const organizationId = organization?.id ?? "";
const claims: AccessClaim[] = [];
for (let offset = 0; offset < Number(values.sessions); offset += 1000) {
  const count = Math.min(1000, Number(values.sessions) - offset);
  const users = await database.db
    .insert(schema.users)
    .values(Array.from({ length: count }, (_, i) => ({ email: `u${offset + i}@example.com`, passwordHash: "x" })))
    .returning({ id: schema.users.id });
  await database.db
    .insert(schema.memberships)
    .values(users.map(({ id }) => ({ organizationId, userId: id, role: "viewer" as const })));
  const expiresAt = new Date(Date.now() + 3_600_000);
  const sessions = await database.db
    .insert(schema.sessions)
    .values(users.map(({ id }) => ({ userId: id, tokenHash: token(), expiresAt })))
    .returning({ id: schema.sessions.id, userId: schema.sessions.userId });
  for (const session of sessions) {
    claims.push({ kind: "session", sessionId: session.id });
    claims.push({ kind: "member", organizationId, userId: session.userId, role: "viewer" });
  }
}
for (let offset = 0; offset < Number(values.keys); offset += 1000) {
  const count = Math.min(1000, Number(values.keys) - offset);
  const keys = await database.db
    .insert(schema.apiKeys)
    .values(
      Array.from({ length: count }, (_, i) => ({
        organizationId,
        name: `k${offset + i}`,
        role: "viewer" as const,
        tokenHash: token(),
        prefix: "rpkey_bench",
      })),
    )
    .returning({ id: schema.apiKeys.id });
  for (const key of keys) claims.push({ kind: "apiKey", apiKeyId: key.id });
}

const results: Summary[] = [];
for (const size of [100, 1_000, claims.length]) {
  const sample = claims.slice(0, size);
  results.push(await measure(`${size} claims`, 50, () => core.access.lapsed(sample)));
}

const driver = values.postgres ? "PostgreSQL 15 (postgres.js)" : "PGlite (in-memory)";
console.log(`\n${driver}: one access check, all claims still valid\n`);
console.log("| claims | n | p50 | p99 |\n| --- | --- | --- | --- |");
for (const r of results) console.log(`| ${r.name} | ${r.n} | ${ms(r.p50)} | ${ms(r.p99)} |`);
await database.destroy();
process.exit(0);
