/**
 * Oversized request bodies: one anonymous client posts a large body to `/trpc` (announced with Content-Length, then
 * streamed chunked with no length), each to a fresh server process whose RSS is read every 20 ms. Reports the answer, how many
 * bytes the server took before answering or cutting the connection, and how much the server grew.
 * Run: pnpm --filter @relaypost/bench body-size -- --mib 300
 */
import { request } from "node:http";
import { benchArgs } from "./lib/args";
import { serverDatabase, startServerProcess } from "./lib/processes";

const values = benchArgs({
  postgres: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  mib: { type: "string", default: "300" },
});
const totalBytes = Number(values.mib) * 1024 * 1024;
const CHUNK = Buffer.alloc(1024 * 1024, "a");

interface Outcome {
  status: number | string;
  sentMiB: number;
  seconds: number;
}

/** Streams `totalBytes` to the server, honouring backpressure, until it answers or drops the connection. */
function post(url: string, chunked: boolean): Promise<Outcome> {
  const started = performance.now();
  let sent = 0;
  let settled = false;
  return new Promise((resolve) => {
    const finish = (status: number | string) => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve({ status, sentMiB: sent / 1024 / 1024, seconds: (performance.now() - started) / 1000 });
    };
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (!chunked) headers["content-length"] = String(totalBytes);
    const req = request(`${url}/trpc/auth.signIn`, { method: "POST", headers });
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => finish(res.statusCode ?? 0));
    });
    req.on("error", (error) => finish(`connection ${(error as NodeJS.ErrnoException).code ?? error.message}`));
    const write = () => {
      while (!settled && sent < totalBytes) {
        sent += CHUNK.length;
        if (!req.write(CHUNK)) return void req.once("drain", write);
      }
      if (!settled) req.end();
    };
    write();
  });
}

const database = await serverDatabase(values.postgres);

console.log(`Body size: ${values.mib} MiB posted anonymously to /trpc/auth.signIn, server RSS read every 20 ms`);
for (const chunked of [false, true]) {
  // A fresh process for each, so one's garbage does not hide the other's growth.
  const server = await startServerProcess({ DATABASE_URL: database.url ?? "" });
  const baseline = server.rssMiB();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, server.rssMiB());
  }, 20);
  const outcome = await post(server.url, chunked);
  clearInterval(sampler);
  const healthy = await fetch(`${server.url}/healthz`).then((r) => r.status);
  console.log(
    `${chunked ? "chunked, no length " : "Content-Length    "}: answer ${outcome.status} after ${outcome.seconds.toFixed(2)} s, client had sent ${outcome.sentMiB.toFixed(0)} MiB; server RSS ${baseline.toFixed(0)} -> peak ${peak.toFixed(0)} MiB (+${(peak - baseline).toFixed(0)}); /healthz afterwards ${healthy}`,
  );
  await server.stop();
}

await database.drop();
process.exit(0);
