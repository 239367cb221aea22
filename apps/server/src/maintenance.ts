import { type Core, pruneEvents } from "@relaypost/core";
import { logServerFault } from "./log";

const EVERY_MS = 10 * 60 * 1000;

/** Periodic clean-up that keeps stored data within its retention bounds; any process may run it. */
export function startMaintenance(core: Core): () => void {
  const run = () => pruneEvents(core.db).catch((error) => logServerFault("event retention", error));
  const timer = setInterval(run, EVERY_MS);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
