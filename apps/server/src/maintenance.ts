import { type Core, pruneEvents } from "@relaypost/core";
import { type FaultLogger, logServerFault } from "./log";

const EVERY_MS = 10 * 60 * 1000;

/** One pass of clean-up; each task's fault is logged and leaves the others to run. */
export async function runMaintenance(core: Core, logFault: FaultLogger = logServerFault): Promise<void> {
  await pruneEvents(core.db).catch((error) => logFault("event retention", error));
  await core.sessions.pruneExpired().catch((error) => logFault("session pruning", error));
  await core.pruneLoginAttempts().catch((error) => logFault("login attempt pruning", error));
}

/** Periodic clean-up that keeps stored data within its retention bounds; any process may run it. */
export function startMaintenance(core: Core, logFault: FaultLogger = logServerFault): () => void {
  const run = () => void runMaintenance(core, logFault);
  const timer = setInterval(run, EVERY_MS);
  timer.unref();
  run();
  return () => clearInterval(timer);
}
