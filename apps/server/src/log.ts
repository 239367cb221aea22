/** Where fault lines go: standard error, unless whoever starts the server collects them (a test proving none). */
export type FaultSink = (line: string) => void;

/** What every component reports its faults to. */
export type FaultLogger = (where: string, error: unknown) => void;

/**
 * Logs a server fault without its details' payload: database errors carry their query parameters, which may hold
 * a password hash or token, so only the underlying cause's message and code are written.
 */
export function logServerFault(where: string, error: unknown, sink: FaultSink = console.error): void {
  let root: unknown = error;
  while (root instanceof Error && root.cause instanceof Error) root = root.cause;
  const message = root instanceof Error ? root.message : String(root);
  const code = (root as { code?: unknown })?.code;
  sink(`[relaypost] ${where}: ${message}${typeof code === "string" ? ` (${code})` : ""}`);
}

export const faultLogger =
  (sink?: FaultSink): FaultLogger =>
  (where, error) =>
    logServerFault(where, error, sink);

export function logInfo(message: string): void {
  console.log(`[relaypost] ${message}`);
}
