import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./exit-codes";
import type { CliRequest } from "./requests";
import { readSecret } from "./secret-input";

export const OWNER_PASSWORD_ENV = "RELAYPOST_OWNER_PASSWORD";
export const NEW_PASSWORD_ENV = "RELAYPOST_NEW_PASSWORD";

type Values = Record<string, string | boolean | undefined>;
type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** One command: how it is written, what it does, and how its arguments become a request. */
interface Spec {
  usage: string;
  summary: string;
  options: ParseArgsOptionsConfig;
  /** The name of the one positional argument the command takes, if any. */
  positional?: string;
  /** Local commands (serve, migrate, relay test) have no request: the CLI runs them itself. */
  request?: (values: Values, positional: string | undefined) => Promise<CliRequest> | CliRequest;
  /** Shown in the overview under its own name only when false (aliases kept for older scripts are not). */
  listed?: boolean;
}

const ORG = { org: { type: "string" } } as const satisfies ParseArgsOptionsConfig;
const ORG_USAGE = "--org <id|slug>";

function required(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`Missing --${name}`);
  return value;
}

const optional = (values: Values, name: string) => {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
};

function email(values: Values, name: string): string {
  const value = required(values, name);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw new UsageError(`--${name} must be an email address`);
  return value;
}

function refusePasswordOption(values: Values, name: string, env: string) {
  if (values[name] === undefined) return;
  throw new UsageError(
    `--${name} is refused: the command line is visible to every user (ps) and kept in shell history. ` +
      `Nothing was changed. Set ${env}, or write the password to standard input ` +
      `(or type it when asked); since this one was exposed, choose another.`,
  );
}

function seconds(values: Values, name: string): number | undefined {
  const value = optional(values, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number of seconds`);
  return Number(value);
}

const credentialCommand =
  (command: "credentials activate" | "credentials deactivate" | "credentials delete") =>
  (values: Values, positional: string | undefined): CliRequest => ({
    command,
    org: required(values, "org"),
    credential: positional ?? "",
  });

async function orgsCreate(values: Values, newOwner: boolean): Promise<CliRequest> {
  refusePasswordOption(values, "owner-password", OWNER_PASSWORD_ENV);
  const name = required(values, "name");
  const ownerEmail = email(values, "owner-email");
  const ownerPassword = newOwner ? await readSecret(OWNER_PASSWORD_ENV, "Owner password") : undefined;
  return { command: "orgs create", name, ownerEmail, ownerPassword };
}

const ORGS_CREATE_OPTIONS = {
  name: { type: "string" },
  "owner-email": { type: "string" },
  "owner-password": { type: "string" },
  "new-owner": { type: "boolean" },
} as const satisfies ParseArgsOptionsConfig;

const API_KEYS_CREATE: Spec = {
  usage: `api-keys create ${ORG_USAGE} --name <name> [--role admin|viewer]`,
  summary: "Create an organization API key (role admin unless given); prints the token, once, on the last line",
  options: { ...ORG, name: { type: "string" }, role: { type: "string", default: "admin" } },
  request: (values) => {
    const role = required(values, "role");
    if (role !== "admin" && role !== "viewer") throw new UsageError("--role must be admin or viewer");
    return { command: "api-keys create", org: required(values, "org"), name: required(values, "name"), role };
  },
};

export const COMMANDS: Record<string, Spec> = {
  serve: { usage: "serve", summary: "Start the HTTP, WebSocket and SMTP listeners, and the CLI's socket", options: {} },
  migrate: { usage: "migrate", summary: "Apply database migrations and exit", options: {} },
  "relay test": {
    usage: "relay test",
    summary: "Connect to the upstream in RELAY_URL (TLS, then AUTH) and report whether it would take mail",
    options: {},
  },
  "credentials list": {
    usage: `credentials list ${ORG_USAGE} [--search <text>]`,
    summary: "List the organization's SMTP credentials (username, state, id, description)",
    options: { ...ORG, search: { type: "string" } },
    request: (values) => ({
      command: "credentials list",
      org: required(values, "org"),
      search: optional(values, "search"),
    }),
  },
  "credentials create": {
    usage: `credentials create ${ORG_USAGE} [--username <name>] [--description <text>]`,
    summary: "Create an SMTP credential; prints its password, once, on the last line",
    options: { ...ORG, username: { type: "string" }, description: { type: "string" } },
    request: (values) => ({
      command: "credentials create",
      org: required(values, "org"),
      username: optional(values, "username"),
      description: optional(values, "description"),
    }),
  },
  "credentials regenerate": {
    usage: `credentials regenerate ${ORG_USAGE} <id|username> [--keep-previous <seconds>]`,
    summary: "Give the credential a new password (printed once, last line); the old one ends, or after <seconds>",
    options: { ...ORG, "keep-previous": { type: "string" } },
    positional: "id|username",
    request: (values, positional) => ({
      command: "credentials regenerate",
      org: required(values, "org"),
      credential: positional ?? "",
      keepPreviousForSeconds: seconds(values, "keep-previous"),
    }),
  },
  "credentials activate": {
    usage: `credentials activate ${ORG_USAGE} <id|username>`,
    summary: "Let the credential log in again",
    options: ORG,
    positional: "id|username",
    request: credentialCommand("credentials activate"),
  },
  "credentials deactivate": {
    usage: `credentials deactivate ${ORG_USAGE} <id|username>`,
    summary: "Refuse the credential's logins and end its open SMTP sessions",
    options: ORG,
    positional: "id|username",
    request: credentialCommand("credentials deactivate"),
  },
  "credentials delete": {
    usage: `credentials delete ${ORG_USAGE} <id|username>`,
    summary: "Delete the credential and end its open SMTP sessions",
    options: ORG,
    positional: "id|username",
    request: credentialCommand("credentials delete"),
  },
  "api-keys list": {
    usage: `api-keys list ${ORG_USAGE}`,
    summary: "List the organization's API keys (prefix, role, live or revoked, id, name)",
    options: ORG,
    request: (values) => ({ command: "api-keys list", org: required(values, "org") }),
  },
  "api-keys create": API_KEYS_CREATE,
  "api-keys revoke": {
    usage: `api-keys revoke ${ORG_USAGE} <id|prefix>`,
    summary: "Revoke an API key; requests with it are refused from then on",
    options: ORG,
    positional: "id|prefix",
    request: (values, positional) => ({
      command: "api-keys revoke",
      org: required(values, "org"),
      key: positional ?? "",
    }),
  },
  "orgs list": {
    usage: "orgs list",
    summary: "List every organization on this server (slug, id, name)",
    options: {},
    request: () => ({ command: "orgs list" }),
  },
  "orgs create": {
    usage: "orgs create --name <name> --owner-email <email> [--new-owner]",
    summary:
      'Create an organization owned by the account with that email; prints {"id","slug","name"}. With --new-owner ' +
      `the account is created too, its password read from ${OWNER_PASSWORD_ENV} or, when unset, the first line ` +
      "of standard input (asked for without echo on a terminal); never from the command line",
    options: ORGS_CREATE_OPTIONS,
    request: (values) => orgsCreate(values, values["new-owner"] === true),
  },
  "users reset-password": {
    usage: "users reset-password --email <email>",
    summary:
      `Set a user's password and end all their sessions; the password comes from ${NEW_PASSWORD_ENV} or, when ` +
      "unset, the first line of standard input (asked for without echo on a terminal); never from the command line",
    options: { email: { type: "string" }, password: { type: "string" } },
    request: async (values) => {
      refusePasswordOption(values, "password", NEW_PASSWORD_ENV);
      const address = email(values, "email");
      return {
        command: "users reset-password",
        email: address,
        password: await readSecret(NEW_PASSWORD_ENV, "New password"),
      };
    },
  },
  "org create": {
    usage: "org create --name <name> --owner-email <email>",
    summary: "Older spelling of `orgs create --new-owner`",
    options: ORGS_CREATE_OPTIONS,
    request: (values) => orgsCreate(values, true),
    listed: false,
  },
  "api-key create": {
    ...API_KEYS_CREATE,
    usage: API_KEYS_CREATE.usage.replace("api-keys", "api-key"),
    summary: "Older spelling of `api-keys create`",
    listed: false,
  },
};

const COMMON = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsOptionsConfig;

export const EXIT_CODES_TEXT = `Exit codes: 0 done, 1 unexpected failure, 2 usage (unknown command, bad or missing option or
value), 3 not found, 4 conflict (already exists, already revoked), 5 unavailable (database or server unreachable).`;

const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

export function overview(): string {
  const lines = Object.entries(COMMANDS)
    .filter(([, spec]) => spec.listed !== false)
    .map(([, spec]) => `  relaypost ${spec.usage}`);
  return `Usage: relaypost <command> [options] [--json] [--help]

Commands:
${lines.join("\n")}

Every command takes --help (what it does) and --json (its answer as JSON on standard output). relaypost --version
prints the version. While a server runs on DATA_DIR, commands run inside it through DATA_DIR/relaypost.sock;
otherwise the CLI opens the database itself: DATABASE_URL when set, else embedded PGlite in DATA_DIR
(default ./.relaypost).

${EXIT_CODES_TEXT}`;
}

export function commandHelp(name: string): string {
  const spec = COMMANDS[name];
  if (!spec) return overview();
  return `Usage: relaypost ${spec.usage} [--json]\n\n  ${indent(spec.summary, "  ")}\n\n${EXIT_CODES_TEXT}`;
}

/** The commands of a group (`relaypost credentials`), for help on the group. */
export function groupHelp(group: string): string | undefined {
  const specs = Object.entries(COMMANDS).filter(
    ([name, spec]) => name.startsWith(`${group} `) && spec.listed !== false,
  );
  if (specs.length === 0) return undefined;
  return `Usage:\n${specs.map(([, spec]) => `  relaypost ${spec.usage}`).join("\n")}\n\nEach takes --help and --json.`;
}

export type Invocation =
  | { kind: "help"; text: string }
  | { kind: "version" }
  | { kind: "local"; name: "serve" | "migrate" | "relay test"; json: boolean }
  | { kind: "request"; name: string; json: boolean; request: () => Promise<CliRequest> };

/** Reads argv into what to do; reading secrets waits until `request()` is called. */
export function parseInvocation(argv: string[]): Invocation {
  const [first = "serve", second] = argv;
  if (first === "--version" || first === "-V") return { kind: "version" };
  if (first === "--help" || first === "-h" || first === "help") return { kind: "help", text: overview() };
  const name = COMMANDS[`${first} ${second}`] ? `${first} ${second}` : first;
  const spec = COMMANDS[name];
  if (!spec) {
    const group = groupHelp(first);
    if (group && (second === "--help" || second === "-h")) return { kind: "help", text: group };
    if (group) throw new UsageError(second ? `Unknown command: ${first} ${second}\n\n${group}` : group);
    throw new UsageError(`Unknown command: ${[first, second].filter(Boolean).join(" ")}`);
  }
  const rest = argv.slice(name.split(" ").length);
  const parsed = parseArgs({
    args: rest,
    options: { ...spec.options, ...COMMON },
    allowPositionals: spec.positional !== undefined,
  });
  const positionals = parsed.positionals;
  // No option is declared `multiple`, so no value is an array.
  const values: Values = {};
  for (const [key, value] of Object.entries(parsed.values)) if (!Array.isArray(value)) values[key] = value;
  if (values.help) return { kind: "help", text: commandHelp(name) };
  const json = values.json === true;
  if (!spec.request) return { kind: "local", name: name as "serve" | "migrate" | "relay test", json };
  if (spec.positional !== undefined && positionals.length !== 1) {
    throw new UsageError(`relaypost ${name} takes one <${spec.positional}>`);
  }
  const build = spec.request;
  return { kind: "request", name, json, request: async () => build(values, positionals[0]) };
}
