/**
 * Credential API latency with 10,000 credentials in one organization, through the real HTTP tRPC API.
 * Run: pnpm --filter @relaypost/bench credentials [-- --postgres postgres://postgres@127.0.0.1:5432/postgres]
 */
import { createRelayPostClient } from "@relaypost/client";
import { generateLookupId, operatorScope } from "@relaypost/core";
import { queryRows, schema } from "@relaypost/db";
import { loadConfig, startServer } from "@relaypost/server";
import { sql } from "drizzle-orm";
import { benchArgs } from "./lib/args";
import { serverDatabase } from "./lib/processes";
import { measure, ms, type Summary } from "./lib/stats";

const values = benchArgs({ postgres: { type: "string" }, credentials: { type: "string", default: "10000" } });
const total = Number(values.credentials);

const { url: databaseUrl, drop: dropDatabase } = await serverDatabase(values.postgres);

const server = await startServer({
  ...loadConfig({}),
  PORT: 0,
  SMTP_PORT: 0,
  DATA_DIR: "memory://",
  DATABASE_URL: databaseUrl,
});
const { core, database } = server;
const { organization } = await core.organizations.create({
  name: "Bench",
  owner: { email: "bench@example.com", password: "bench-password" },
});
const { token } = await core.apiKeys.create(operatorScope(organization.id, "bench"), { name: "bench", role: "admin" });
const client = createRelayPostClient({ url: `http://127.0.0.1:${server.httpPort}`, apiKey: token });

// Seeding goes straight to the table: 10,000 argon2id hashes would measure argon2, not the list.
await client.smtpCredentials.create.mutate({ username: "seed_template" });
const [template] = await database.db.select().from(schema.smtpCredentials);
const seedStart = performance.now();
for (let offset = 1; offset < total; offset += 1000) {
  const rows = Array.from({ length: Math.min(1000, total - offset) }, (_, i) => {
    const n = offset + i;
    return {
      organizationId: organization.id,
      lookupId: generateLookupId(),
      username: `app_${String(n).padStart(5, "0")}`,
      description: n % 10 === 0 ? `Billing worker ${n}` : `Web app ${n}`,
      passwordHash: template?.passwordHash ?? "",
      createdAt: new Date(Date.now() - (total - n) * 1000),
    };
  });
  await database.db.insert(schema.smtpCredentials).values(rows);
}
const seedMs = performance.now() - seedStart;

const firstPage = await client.smtpCredentials.list.query({ limit: 50 });
let deepCursor: string | null = firstPage.nextCursor;
for (let i = 0; i < 99 && deepCursor; i++)
  deepCursor = (await client.smtpCredentials.list.query({ limit: 50, cursor: deepCursor })).nextCursor;
const anId = firstPage.items[0]?.id ?? "";

const results: Summary[] = [];
results.push(
  await measure("baseline: raw SQL, first 50 rows by created_at (no HTTP, no API)", 300, () =>
    queryRows(
      database.db,
      sql`select * from smtp_credentials where organization_id = ${organization.id} order by created_at desc, id desc limit 51`,
    ),
  ),
);
results.push(await measure("list, first page (50)", 300, () => client.smtpCredentials.list.query({ limit: 50 })));
results.push(
  await measure("list, page 101 by cursor (rows 5,001–5,050)", 300, () =>
    client.smtpCredentials.list.query({ limit: 50, cursor: deepCursor }),
  ),
);
results.push(
  await measure('list, search "billing" (1,000 matches, first 50)', 300, () =>
    client.smtpCredentials.list.query({ limit: 50, search: "billing" }),
  ),
);
results.push(
  await measure('list, search "app_0999" (1 match)', 300, () =>
    client.smtpCredentials.list.query({ limit: 50, search: "app_0999" }),
  ),
);
results.push(await measure("get by id", 300, () => client.smtpCredentials.get.query({ id: anId })));
results.push(
  await measure("create (blank username; includes one argon2id hash)", 200, (i) =>
    client.smtpCredentials.create.mutate({ description: `bench ${i}` }),
  ),
);

const driver = databaseUrl ? "PostgreSQL 15 (postgres.js)" : "PGlite (in-memory)";
console.log(`\n${driver}: ${total} credentials seeded in ${(seedMs / 1000).toFixed(1)} s\n`);
console.log("| operation | n | p50 | p99 |\n| --- | --- | --- | --- |");
for (const r of results) console.log(`| ${r.name} | ${r.n} | ${ms(r.p50)} | ${ms(r.p99)} |`);

client.close();
await server.close();
await dropDatabase();
process.exit(0);
