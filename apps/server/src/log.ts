/**
 * Logs a server fault without its details' payload: database errors carry their query parameters, which may hold
 * a password hash or token, so only the underlying cause's message and code are written.
 */
export function logServerFault(where: string, error: unknown): void {
  let root: unknown = error;
  while (root instanceof Error && root.cause instanceof Error) root = root.cause;
  const message = root instanceof Error ? root.message : String(root);
  const code = (root as { code?: unknown })?.code;
  console.error(`[relaypost] ${where}: ${message}${typeof code === "string" ? ` (${code})` : ""}`);
}

export function logInfo(message: string): void {
  console.log(`[relaypost] ${message}`);
}
