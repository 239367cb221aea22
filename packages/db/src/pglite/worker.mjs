// Runs PGlite (PostgreSQL compiled to WebAssembly) on its own thread, so that executing SQL never occupies the event
// loop that serves SMTP and HTTP. Plain JavaScript on purpose: a worker thread is started by Node itself, outside the
// TypeScript loaders of tsx and vitest. Its counterpart, which speaks this protocol, is ./threaded-pglite.ts.
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { createStatementRunner, describeError } from "./statement-runner.mjs";

const pg = new PGlite(workerData.dataDir);
const runner = createStatementRunner(pg);

pg.onNotification((channel, payload) => parentPort.postMessage({ type: "notification", channel, payload }));

// One request at a time, in arrival order: PGlite is a single session, and the caller's transactions rely on order.
let queue = Promise.resolve();
parentPort.on("message", (request) => {
  queue = queue.then(() => answer(request));
});

async function answer(request) {
  try {
    await pg.waitReady;
    if (request.type === "close") {
      await pg.close();
      parentPort.postMessage({ type: "result", id: request.id, value: null });
      return;
    }
    const value = await runner.query(request.sql, request.params, request.rowMode, request.textTypes);
    parentPort.postMessage({ type: "result", id: request.id, value });
  } catch (error) {
    parentPort.postMessage({ type: "error", id: request.id, error: describeError(error) });
  }
}
