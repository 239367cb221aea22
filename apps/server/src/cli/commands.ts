import { NOT_RELAYED_NOTICE } from "@relaypost/contract";
import { checkUpstream, createCore } from "@relaypost/core";
import packageJson from "../../package.json" with { type: "json" };
import type { Config } from "../config";
import { faultLogger } from "../log";
import { type RelayPostServer, startServer } from "../server";
import { openConfiguredDatabase } from "../startup-error";
import { describeFailure, EXIT, exitCodeOf, UsageError } from "./exit-codes";
import { type CliAnswer, type CliRequest, execute } from "./requests";
import { askServer, type CliSocket, listenCliSocket } from "./socket";
import { parseInvocation } from "./spec";

export { OWNER_PASSWORD_ENV } from "./spec";

/** Runs `request` in the server listening on DATA_DIR's socket, or, with none, on the database opened here. */
async function run(config: Config, request: CliRequest): Promise<CliAnswer> {
  const answer = await askServer(config.DATA_DIR, request);
  if (answer) return answer;
  const database = await openConfiguredDatabase(config);
  try {
    return await execute(createCore({ db: database.db }), request);
  } finally {
    await database.close();
  }
}

function print(answer: CliAnswer, json: boolean) {
  if (json) console.log(JSON.stringify(answer.data));
  else if (answer.text.length > 0) console.log(answer.text.join("\n"));
}

async function migrate(config: Config): Promise<CliAnswer> {
  const database = await openConfiguredDatabase(config);
  await database.close();
  const text = [`Migrations applied (${database.description})`];
  return { data: { migrated: true, database: database.description }, text };
}

async function relayTest(config: Config, json: boolean) {
  if (!config.RELAY_URL) throw new UsageError(`RELAY_URL is not set: accepted messages are ${NOT_RELAYED_NOTICE}`);
  const upstream = config.RELAY_URL.description;
  const result = await checkUpstream(config.RELAY_URL);
  if (result.ok) {
    const login = config.RELAY_URL.settings.user ? " and login" : "";
    print({ data: { upstream, ok: true }, text: [`Upstream ${upstream}: connection${login} accepted`] }, json);
    return;
  }
  if (json) print({ data: { upstream, ok: false, stage: result.stage, reply: result.reply }, text: [] }, true);
  console.error(`relaypost: upstream ${upstream} refused at ${result.stage}: ${result.reply}`);
  process.exitCode = EXIT.unexpected;
}

/**
 * The CLI's socket beside the listeners. A server that cannot offer it (a DATA_DIR path too long for a Unix socket)
 * still serves mail: the fault is logged, and the CLI then needs the server stopped or DATABASE_URL.
 */
async function offerCliSocket(config: Config, server: RelayPostServer): Promise<Pick<CliSocket, "close">> {
  try {
    const socket = await listenCliSocket(
      config.DATA_DIR,
      (request) => execute(server.core, request),
      faultLogger(server.log),
    );
    server.log.info(
      { socket: socket.path, listening: socket.listening },
      socket.listening
        ? `CLI socket listening on ${socket.path}`
        : `CLI socket ${socket.path} is already served by another process on this DATA_DIR`,
    );
    return socket;
  } catch (error) {
    faultLogger(server.log)("CLI socket", error);
    return { close: async () => {} };
  }
}

async function serveCommand(config: Config) {
  const server = await startServer(config);
  const logFault = faultLogger(server.log);
  const socket = await offerCliSocket(config, server);
  let stopping = false;
  const stop = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    server.log.info({ reason }, `${reason}; shutting down`);
    try {
      await socket.close();
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

async function dispatch(config: Config, argv: string[]) {
  const invocation = parseInvocation(argv);
  switch (invocation.kind) {
    case "help":
      console.log(invocation.text);
      return;
    case "version":
      console.log(packageJson.version);
      return;
    case "local":
      if (invocation.name === "serve") return serveCommand(config);
      if (invocation.name === "migrate") return print(await migrate(config), invocation.json);
      return relayTest(config, invocation.json);
    case "request":
      return print(await run(config, await invocation.request()), invocation.json);
  }
}

/**
 * Runs one command line. Expected failures print `relaypost: <message>` on standard error and set the exit status
 * from the table in exit-codes.ts; anything else is a bug or an outage nobody foresaw, and propagates (status 1).
 */
export async function runCommand(config: Config, argv: string[]): Promise<void> {
  try {
    await dispatch(config, argv);
  } catch (error) {
    const code = exitCodeOf(error);
    if (code === undefined) throw error;
    console.error(`relaypost: ${describeFailure(error)}`);
    if (code === EXIT.usage && error instanceof UsageError) console.error("\nSee relaypost --help");
    process.exitCode = code;
  }
}
