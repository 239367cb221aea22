import { parseArgs } from "node:util";
import { NOT_RELAYED_NOTICE } from "@relaypost/contract";
import {
  type ApiKeyRole,
  type Core,
  checkUpstream,
  createCore,
  DataDirInUseError,
  DomainError,
  operatorScope,
} from "@relaypost/core";
import type { Config } from "../config";
import { faultLogger } from "../log";
import { startServer } from "../server";
import { openConfiguredDatabase, StartupError } from "../startup-error";
import { readSecret, SecretInputError } from "./secret-input";

export class UsageError extends Error {}

export const OWNER_PASSWORD_ENV = "RELAYPOST_OWNER_PASSWORD";

export const USAGE = `Usage: relaypost <command>

Commands:
  serve                                      Start the HTTP, WebSocket and SMTP listeners
  migrate                                    Apply database migrations and exit
  org create --name <name> --owner-email <email>
                                             Create an organization with its owner; prints {"id","slug"}.
                                             The owner's password comes from RELAYPOST_OWNER_PASSWORD or, when
                                             that is unset, from the first line of standard input (asked for
                                             without echo on a terminal); never from the command line
  api-key create --org <id|slug> --name <name> --role admin|viewer
                                             Create an organization API key; prints the token on the last line
  relay test                                 Connect to the upstream in RELAY_URL (TLS, then AUTH) and report
                                             whether it would take mail from this server

The database is DATABASE_URL when set, otherwise embedded PGlite in DATA_DIR (default ./.relaypost).`;

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`Missing --${name}`);
  return value;
}

async function withCore<T>(config: Config, run: (core: Core) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase(config);
  try {
    return await run(createCore({ db: database.db }));
  } finally {
    await database.close();
  }
}

async function orgCreate(config: Config, args: string[]) {
  const { values } = parseArgs({
    args,
    options: { name: { type: "string" }, "owner-email": { type: "string" }, "owner-password": { type: "string" } },
  });
  if (values["owner-password"] !== undefined) {
    throw new UsageError(
      `--owner-password is refused: the command line is visible to every user (ps) and kept in shell history. ` +
        `Nothing was created. Set ${OWNER_PASSWORD_ENV}, or write the password to standard input ` +
        `(or type it when asked); since this one was exposed, choose another.`,
    );
  }
  const name = required(values, "name");
  const email = required(values, "owner-email");
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new UsageError("--owner-email must be an email address");
  const password = await readSecret(OWNER_PASSWORD_ENV, "Owner password");
  const { organization } = await withCore(config, (core) =>
    core.organizations.create({ name, owner: { email, password } }),
  );
  console.log(JSON.stringify({ id: organization.id, slug: organization.slug, name: organization.name }));
}

async function apiKeyCreate(config: Config, args: string[]) {
  const { values } = parseArgs({
    args,
    options: { org: { type: "string" }, name: { type: "string" }, role: { type: "string", default: "admin" } },
  });
  const org = required(values, "org");
  const name = required(values, "name");
  const role = required(values, "role");
  if (role !== "admin" && role !== "viewer") throw new UsageError("--role must be admin or viewer");
  const token = await withCore(config, async (core) => {
    const organization = await core.organizations.find(org);
    if (!organization) throw new DomainError("NOT_FOUND", `No organization with id or slug "${org}"`);
    const created = await core.apiKeys.create(operatorScope(organization.id, "cli"), {
      name,
      role: role as ApiKeyRole,
    });
    console.log(`Created API key ${created.apiKey.prefix}… (${role}) for ${organization.slug}. It is shown once:`);
    return created.token;
  });
  console.log(token);
}

async function relayTest(config: Config) {
  if (!config.RELAY_URL) {
    throw new UsageError(`RELAY_URL is not set: accepted messages are ${NOT_RELAYED_NOTICE}`);
  }
  const result = await checkUpstream(config.RELAY_URL);
  if (result.ok) {
    const login = config.RELAY_URL.settings.user ? " and login" : "";
    console.log(`Upstream ${config.RELAY_URL.description}: connection${login} accepted`);
    return;
  }
  console.error(`relaypost: upstream ${config.RELAY_URL.description} refused at ${result.stage}: ${result.reply}`);
  process.exitCode = 1;
}

async function serveCommand(config: Config) {
  const server = await startServer(config);
  const logFault = faultLogger(server.log);
  let stopping = false;
  const stop = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    server.log.info({ reason }, `${reason}; shutting down`);
    try {
      await server.close();
      process.exit(exitCode);
    } catch (error) {
      logFault("shutdown", error);
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void stop("SIGTERM received", 0));
  process.on("SIGINT", () => void stop("SIGINT received", 0));
  // Serving on without a database would answer every login 454 forever; exiting lets a supervisor start it afresh.
  void server.databaseLost.then((error) => {
    logFault("database lost", error);
    void stop("the database is gone", 1);
  });
}

export async function runCommand(config: Config, argv: string[]): Promise<void> {
  const [command = "serve", sub, ...rest] = argv;
  try {
    if (command === "serve") return await serveCommand(config);
    if (command === "migrate") {
      const database = await openConfiguredDatabase(config);
      await database.close();
      console.log(`Migrations applied (${database.description})`);
      return;
    }
    if (command === "org" && sub === "create") return await orgCreate(config, rest);
    if (command === "api-key" && sub === "create") return await apiKeyCreate(config, rest);
    if (command === "relay" && sub === "test") return await relayTest(config);
    if (command === "help" || command === "--help") {
      console.log(USAGE);
      return;
    }
    throw new UsageError(`Unknown command: ${[command, sub].filter(Boolean).join(" ")}`);
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof SecretInputError ||
      error instanceof DomainError ||
      error instanceof DataDirInUseError
    ) {
      console.error(`relaypost: ${error.message}`);
      if (error instanceof UsageError) console.error(`\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    // Exits by itself: startServer closed whatever it had started, so nothing keeps the process alive.
    if (error instanceof StartupError) {
      console.error(`relaypost: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      console.error(`relaypost: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
