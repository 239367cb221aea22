import { DatabaseConnectError, type OpenedDatabase, openDatabase } from "@relaypost/core";
import { SmtpListenError, TlsFileError } from "@relaypost/smtp";
import { type Config, databaseLocation } from "./config";

/** The settings a start-up failure can be blamed on: what the operator changes to fix it. */
export type StartupVariable = "DATABASE_URL" | "PORT" | "SMTP_PORT" | "SMTPS_PORT" | "SMTP_TLS_CERT" | "SMTP_TLS_KEY";

/**
 * The server cannot start because of its configuration or its surroundings: the message names the variable and says
 * what to do, and is printed as it is (`relaypost: …`), without a stack.
 */
export class StartupError extends Error {
  constructor(
    readonly variable: StartupVariable,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.name = "StartupError";
  }
}

/** The URL as it may be printed: no user, password or query parameters (which may hold a password too). */
function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const login = parsed.username || parsed.password ? "…@" : "";
    return `${parsed.protocol}//${login}${parsed.host}${parsed.pathname}`;
  } catch {
    return "an unparsable URL";
  }
}

const codeOf = (error: unknown) => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
};

/**
 * Opens the configured database; a PostgreSQL server that cannot be reached is a StartupError naming DATABASE_URL.
 * `connectTimeoutMs` is for tests, which need not wait the default 10 s.
 */
export async function openConfiguredDatabase(
  config: Pick<Config, "DATABASE_URL" | "DATABASE_LISTEN_URL" | "DATA_DIR">,
  { connectTimeoutMs }: { connectTimeoutMs?: number | undefined } = {},
): Promise<OpenedDatabase> {
  try {
    return await openDatabase({ ...databaseLocation(config), connectTimeoutMs });
  } catch (error) {
    if (error instanceof DatabaseConnectError && config.DATABASE_URL) {
      throw databaseStartupError(config.DATABASE_URL, error);
    }
    throw error;
  }
}

function databaseStartupError(url: string, error: DatabaseConnectError): StartupError {
  const where = `the database at DATABASE_URL (${maskDatabaseUrl(url)})`;
  const message = error.timedOut
    ? `Cannot reach ${where} within ${error.timeoutMs / 1000} s: check the host and port, or unset DATABASE_URL to use embedded PGlite`
    : `Cannot connect to ${where}: ${causeText(error.cause)}: check the host, port, user, password and database name, or unset DATABASE_URL to use embedded PGlite`;
  return new StartupError("DATABASE_URL", message, { cause: error });
}

/** The cause's message with its code, e.g. `connect ECONNREFUSED 127.0.0.1:5432` or `password authentication failed … (28P01)`. */
function causeText(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = codeOf(cause);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/** A port that cannot be listened on: in use, or privileged (below 1024) for a process that may not take it. */
export function listenStartupError(
  variable: "PORT" | "SMTP_PORT" | "SMTPS_PORT",
  port: number,
  error: unknown,
): StartupError {
  const code = codeOf(error);
  const message =
    code === "EADDRINUSE"
      ? `${variable} ${port} is already in use (EADDRINUSE): stop the other process or set ${variable}`
      : code === "EACCES"
        ? `${variable} ${port} may not be listened on by this user (EACCES): ports below 1024 need root or CAP_NET_BIND_SERVICE: set ${variable} to 1024 or above`
        : `${variable} ${port} cannot be listened on (${causeText(error)}): check HOST and ${variable}`;
  return new StartupError(variable, message, { cause: error });
}

function tlsStartupError(error: TlsFileError): StartupError {
  const variable = error.file === "cert" ? "SMTP_TLS_CERT" : "SMTP_TLS_KEY";
  const other = error.file === "cert" ? "SMTP_TLS_KEY" : "SMTP_TLS_CERT";
  const kind = error.file === "cert" ? "certificate" : "private key";
  const message =
    error.problem === "missing"
      ? `${variable} is not set but ${other} is: set both (PEM files), or neither to use a self-signed certificate`
      : error.problem === "unreadable"
        ? `${variable} ${error.path} cannot be read (${codeOf(error.cause) ?? causeText(error.cause)}): check the path and that this user may read it`
        : `${variable} ${error.path} is not a PEM ${kind}: point ${variable} at the PEM-encoded ${kind}`;
  return new StartupError(variable, message, { cause: error });
}

/** The start-up failure an error is, when it is one of those the operator can fix; otherwise undefined. */
export function explainSmtpStartup(error: unknown): StartupError | undefined {
  if (error instanceof TlsFileError) return tlsStartupError(error);
  if (error instanceof SmtpListenError) {
    return listenStartupError(error.listener === "smtp" ? "SMTP_PORT" : "SMTPS_PORT", error.port, error.cause);
  }
  return undefined;
}
