/**
 * Footprint: the resident memory of one idle server process, on embedded PGlite and on PostgreSQL, for the production
 * start (the bundle run by node, `pnpm start:prod`) against the development one (tsx) in the same run; then what each
 * idle WebSocket and each idle SMTP connection adds.
 * Run: pnpm build && pnpm --filter @relaypost/bench footprint -- --connections 1000
 */
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";
import { benchArgs } from "./lib/args";
import { type ServerProcess, serverDatabase, startServerProcess } from "./lib/processes";

const values = benchArgs({
  postgres: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  connections: { type: "string", default: "1000" },
  settle: { type: "string", default: "15" },
});
const connections = Number(values.connections);
const settleMs = Number(values.settle) * 1000;

/** The median of `samples` RSS readings a second apart: one reading catches a GC in the middle of its work. */
async function steadyRss(server: ServerProcess, samples = 5): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < samples; i++) {
    readings.push(server.rssMiB());
    await sleep(1000);
  }
  return readings.sort((a, b) => a - b)[Math.floor(samples / 2)] ?? 0;
}

async function idleWebSockets(server: ServerProcess, count: number): Promise<WebSocket[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.httpPort}/trpc`);
      await once(ws, "open");
      return ws;
    }),
  );
}

/** SMTP connections that said EHLO and then wait, as a pooled mailer's idle connection does. */
async function idleSmtpSessions(server: ServerProcess, count: number): Promise<Socket[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const socket = connect(server.smtpPort, "127.0.0.1");
      let seen = "";
      const until = (code: string) =>
        new Promise<void>((resolve) => {
          const onData = (chunk: Buffer) => {
            seen += chunk.toString();
            if (new RegExp(`^${code} `, "m").test(seen)) {
              socket.off("data", onData);
              seen = "";
              resolve();
            }
          };
          socket.on("data", onData);
        });
      await until("220");
      socket.write("EHLO idle.example\r\n");
      await until("250");
      return socket;
    }),
  );
}

/** Resident KiB per connection, from RSS read with none and with `count` open: GC noise shrinks as `count` grows. */
async function perConnection(server: ServerProcess, count: number, open: (n: number) => Promise<{ close(): void }[]>) {
  const before = await steadyRss(server);
  const opened = await open(count);
  await sleep(2000);
  const after = await steadyRss(server);
  for (const connection of opened) connection.close();
  return ((after - before) * 1024) / count;
}

async function measure(label: string, database: "pglite" | "postgres", built: boolean) {
  const dataDir = mkdtempSync(join(tmpdir(), "relaypost-footprint-"));
  const db = await serverDatabase(database === "postgres" ? values.postgres : undefined);
  const server = await startServerProcess(
    { DATA_DIR: dataDir, LOG_LEVEL: "warn", ...(db.url ? { DATABASE_URL: db.url } : {}) },
    { built },
  );
  try {
    await sleep(settleMs);
    const idle = await steadyRss(server);
    const perWs = await perConnection(server, connections, (n) => idleWebSockets(server, n));
    await sleep(2000);
    const perSmtp = await perConnection(server, connections, async (n) =>
      (await idleSmtpSessions(server, n)).map((socket) => ({ close: () => socket.destroy() })),
    );
    console.log(
      `| ${label} | ${database} | ${idle.toFixed(0)} MiB | ${perWs.toFixed(1)} KiB | ${perSmtp.toFixed(1)} KiB |`,
    );
  } finally {
    await server.stop();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(
  `| start | database | idle RSS | per idle WebSocket (${connections}) | per idle SMTP session (${connections}) |`,
);
console.log("| --- | --- | ---: | ---: | ---: |");
for (const database of ["pglite", "postgres"] as const) {
  await measure("tsx (development)", database, false);
  await measure("node, built (production)", database, true);
}
