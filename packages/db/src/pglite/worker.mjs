// Runs PGlite (PostgreSQL compiled to WebAssembly) on its own thread, so that executing SQL never occupies the event
// loop that serves SMTP and HTTP. Plain JavaScript on purpose: a worker thread is started by Node itself, outside the
// TypeScript loaders of tsx and vitest. Its counterpart, which speaks this protocol, is ./threaded-pglite.ts.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { createStatementRunner, describeError } from "./statement-runner.mjs";

/**
 * Below the event loop's priority: when the cores are contended, waking this thread for a query must not preempt the
 * loop that is answering SMTP sessions. It is the loop that gives this thread work, so under load queries wait a
 * little longer and gather into larger batches; they are never starved. Measured with bench/smtp-auth
 * (docs/benchmarks.md). Linux only, where a thread has a priority of its own (elsewhere this would lower the process).
 */
const NICER_BY = 10;
if (process.platform === "linux") setPriority(0, Math.min(19, getPriority(0) + NICER_BY));

/**
 * PostgreSQL's shared buffers (its page cache) inside PGlite's WebAssembly memory: 128 MB by default, resident once
 * touched. Embedded PGlite serves one small installation whose data files the operating system caches anyway; 8 MB
 * keeps the idle server within its footprint (docs/benchmarks.md, "Footprint").
 */
const SHARED_BUFFERS = "8MB";
const options = { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${SHARED_BUFFERS}`] };

/** A new data directory is initialized by a process that then exits (see ./initialize.mjs). */
async function initializeApart(dataDir) {
  const script = fileURLToPath(new URL("./initialize.mjs", import.meta.url));
  await promisify(execFile)(process.execPath, [script, dataDir, JSON.stringify(options)]);
}

const { dataDir } = workerData;
if (dataDir && !dataDir.startsWith("memory://") && !existsSync(join(dataDir, "PG_VERSION"))) {
  await initializeApart(dataDir);
}
const pg = new PGlite(dataDir, options);
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
