import { type DestinationStream, type Logger, pino } from "pino";
import pretty from "pino-pretty";

export type LogFormat = "json" | "pretty";
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** What every component reports its faults to. */
export type FaultLogger = (where: string, error: unknown) => void;

/**
 * Field names whose values are censored wherever they appear, one or two levels down: a line built by mistake from
 * a request body, an input or a row must still not carry a secret (docs/operations.md lists the log fields).
 */
const SECRET_FIELDS = [
  "password",
  "newPassword",
  "currentPassword",
  "passwordHash",
  "hash",
  "token",
  "secret",
  "signingSecret",
  "authorization",
  "cookie",
  "set-cookie",
];
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

export interface LoggerOptions {
  format: LogFormat;
  level: LogLevel;
  /** Where lines go: standard output by default; a test passes its own to read them. */
  destination?: DestinationStream;
}

/** The process's logger: JSON lines by default, readable ones in development; secrets censored by field name. */
export function createLogger({ format, level, destination }: LoggerOptions): Logger {
  const options = {
    level,
    base: { service: "relaypost" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  };
  // In-process formatting, not pino's transport worker: one thread less, and lines keep their order with faults.
  const stream =
    format === "pretty"
      ? pretty({ destination: destination ?? 1, sync: true, singleLine: true, ignore: "pid,hostname,service" })
      : destination;
  return stream ? pino(options, stream) : pino(options);
}

/**
 * A fault without its details' payload: database errors carry their query parameters, which may hold a password
 * hash or token, so only the underlying cause's message and code are written.
 */
export function describeFault(error: unknown): { message: string; code?: string } {
  let root: unknown = error;
  while (root instanceof Error && root.cause instanceof Error) root = root.cause;
  const message = root instanceof Error ? root.message : String(root);
  const code = (root as { code?: unknown })?.code;
  return typeof code === "string" ? { message, code } : { message };
}

/** Writes each fault as an error line; `count` is told of it too (the metrics' `relaypost_faults_total`). */
export const faultLogger =
  (log: Logger, count?: (where: string) => void): FaultLogger =>
  (where, error) => {
    count?.(where);
    log.error({ where, fault: describeFault(error) }, `${where} failed`);
  };

/** Before any configuration is read (an invalid one among the causes), faults go out as JSON on standard error. */
export const startupLog = () => pino({ base: { service: "relaypost" } }, pino.destination(2));
