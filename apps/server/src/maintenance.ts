import { type Core, pruneEvents } from "@relaypost/core";
import { type FaultLogger, logServerFault } from "./log";

const EVERY_MS = 10 * 60 * 1000;

/** Periodic clean-up that keeps stored data within its retention bounds; any process may run it. */
export function startMaintenance(core: Core, logFault: FaultLogger = logServerFault): () => void {
  const run = () => pruneEvents(core.db).catch((error) => logFault("event retention", error));
  const timer = setInterval(run, EVERY_MS);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
