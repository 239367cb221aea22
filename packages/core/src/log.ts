/**
 * The structured log the runtime writes its lines to. It is pino's shape, so the server hands in its pino logger as
 * it is; core never formats or routes lines itself. Fields must never carry a password, hash or token.
 */
export interface Log {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  child(bindings: Record<string, unknown>): Log;
}

/** For runtimes nobody reads the log of (most tests). */
export const silentLog: Log = {
  info() {},
  warn() {},
  error() {},
  child: () => silentLog,
};
