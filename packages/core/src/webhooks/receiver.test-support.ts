import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, afterEach, beforeAll } from "vitest";
import { createRuntime, type Runtime, type RuntimeConfig } from "../runtime";

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP endpoint on a loopback port that records every request and answers with the next scripted status
 * (200 once the script runs out). `next(n)` resolves when the n-th request has arrived.
 */
export async function startReceiver(script: Array<{ status: number; body?: string }> = []) {
  const received: Received[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const answer = script.shift() ?? { status: 200, body: "ok" };
      res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body ?? "");
      for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    next: (count: number) =>
      new Promise<void>((resolve) => {
        if (received.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A fresh database for the enclosing file or describe, and the runtimes on it and receivers its tests start, each
 * closed after the test that started it; read `database` inside the tests.
 */
export function useWebhookRuntimes() {
  const runtimes: Runtime[] = [];
  const receivers: Array<{ close(): Promise<void> }> = [];
  const fixture = {
    database: undefined as unknown as TestDatabase,
    /** A runtime on the database, closed after the test. */
    async runtime(config: RuntimeConfig) {
      const runtime = await createRuntime(fixture.database, config);
      runtimes.push(runtime);
      return runtime;
    },
    /** A receiver as `startReceiver` starts it, closed after the test. */
    async receiver(script?: Parameters<typeof startReceiver>[0]) {
      const started = await startReceiver(script);
      receivers.push(started);
      return started;
    },
  };
  beforeAll(async () => {
    fixture.database = await createTestDatabase();
  });
  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.close();
    for (const r of receivers.splice(0)) await r.close();
  });
  afterAll(() => fixture.database.destroy());
  return fixture;
}
