import { type Core, pruneEvents } from "@relaypost/core";
import { logServerFault } from "./log";

const EVERY_MS = 10 * 60 * 1000;

/** One pass of clean-up; each task's fault is logged and leaves the others to run. */
export async function runMaintenance(core: Core): Promise<void> {
  await pruneEvents(core.db).catch((error) => logServerFault("event retention", error));
  await core.sessions.pruneExpired().catch((error) => logServerFault("session pruning", error));
}

/** Periodic clean-up that keeps stored data within its retention bounds; any process may run it. */
export function startMaintenance(core: Core): () => void {
  const run = () => void runMaintenance(core);
  const timer = setInterval(run, EVERY_MS);
  timer.unref();
  run();
  return () => clearInterval(timer);
}
