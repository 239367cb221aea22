import { DataDirInUseError, DomainError, type DomainErrorCode } from "@relaypost/core";
import { StartupError } from "../startup-error";
import { SecretInputError } from "./secret-input";

/** What the CLI's exit status means; README.md and docs/operations.md ("CLI exit codes") show the same table. */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  unavailable: 5,
} as const;

/** The command line itself is wrong: unknown command, missing or malformed option. */
export class UsageError extends Error {}

/** Neither the running server nor the database could be reached. */
export class UnavailableError extends Error {}

const DOMAIN_EXIT: Record<DomainErrorCode, number> = {
  BAD_REQUEST: EXIT.usage,
  UNPROCESSABLE_CONTENT: EXIT.usage,
  NOT_FOUND: EXIT.notFound,
  CONFLICT: EXIT.conflict,
  // The CLI acts with an owner's reach, so these mean something unforeseen.
  FORBIDDEN: EXIT.unexpected,
  UNAUTHORIZED: EXIT.unexpected,
  // Only the invitation preview is throttled, and the CLI does not preview: nothing the CLI expects.
  TOO_MANY_REQUESTS: EXIT.unexpected,
};

/** Errors a system call reports when a PostgreSQL server cannot be reached at all. */
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "EAI_AGAIN"]);

/** The exit status for a failure the CLI expects, or undefined for one it does not (a bug, shown with its stack). */
export function exitCodeOf(error: unknown): number | undefined {
  if (error instanceof UsageError || error instanceof SecretInputError) return EXIT.usage;
  if (error instanceof DomainError) return DOMAIN_EXIT[error.code];
  if (error instanceof UnavailableError || error instanceof DataDirInUseError) return EXIT.unavailable;
  // What the operator must fix before serving (a port taken, a TLS file unreadable); the database unreachable is
  // "unavailable" like any command's.
  if (error instanceof StartupError) return error.variable === "DATABASE_URL" ? EXIT.unavailable : EXIT.unexpected;
  if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
    return EXIT.usage;
  }
  if (unreachable(error)) return EXIT.unavailable;
  return undefined;
}

/** The connection failure behind `error`: the ORM wraps the driver's error as the cause of its own. */
function unreachable(error: unknown): { message: string } | undefined {
  for (let at = error, depth = 0; typeof at === "object" && at && depth < 5; depth++) {
    if ("code" in at && UNREACHABLE.has(String(at.code))) return { message: messageOf(at) };
    at = "cause" in at ? at.cause : undefined;
  }
  return undefined;
}

/** What the CLI says about an expected failure (a wrapped connection failure by its own words). */
export function describeFailure(error: unknown): string {
  if (error instanceof StartupError) return error.message;
  const connection = unreachable(error);
  return connection ? `The database is unreachable: ${connection.message}` : messageOf(error);
}

function messageOf(error: unknown): string {
  if (typeof error === "object" && error && "message" in error) return String(error.message);
  return String(error);
}
