import { DEFAULT_SMTP_PORT, registrationModeSchema } from "@relaypost/contract";
import {
  type DatabaseLocation,
  DEFAULT_BODY_RETENTION_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_AGE_MS,
  DEFAULT_MESSAGE_RETENTION_MS,
  durationSchema,
  Keyring,
  previousSecretKeysSchema,
  relayUrlSchema,
  secretKeySchema,
} from "@relaypost/core";
import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

const schema = z
  .object({
    PORT: port.default(3000),
    HOST: z.string().min(1).default("127.0.0.1"),
    SMTP_PORT: port.default(DEFAULT_SMTP_PORT),
    SMTPS_PORT: port.optional(),
    SMTP_HOST: optionalString,
    DATABASE_URL: optionalString,
    /**
     * A direct PostgreSQL URL for LISTEN (and migrations) when DATABASE_URL goes through PgBouncer in transaction mode,
     * which cannot carry LISTEN; queries on DATABASE_URL then use no prepared statements.
     */
    DATABASE_LISTEN_URL: optionalString,
    DATA_DIR: z.string().min(1).default("./.relaypost"),
    SMTP_TLS_CERT: optionalString,
    SMTP_TLS_KEY: optionalString,
    /** Allows AUTH without TLS from loopback addresses: a development switch, off unless set. */
    SMTP_ALLOW_INSECURE_LOOPBACK_AUTH: z
      .enum(["true", "false"])
      .default("false")
      .transform((v) => v === "true"),
    /** Expect a PROXY protocol header on SMTP connections (behind a TCP load balancer). */
    SMTP_PROXY_PROTOCOL: z
      .enum(["true", "false"])
      .default("false")
      .transform((v) => v === "true"),
    DASHBOARD_DIR: optionalString,
    /**
     * The upstream (smarthost) accepted messages are relayed to: smtp://user:pass@host:587 (STARTTLS required),
     * smtps://… (implicit TLS), ?tls=none or ?tlsVerify=false for development. Unset: messages are stored only.
     */
    RELAY_URL: optionalString.pipe(relayUrlSchema.optional()),
    /**
     * The server key sealing organizations' upstream passwords (AES-256-GCM): 32 bytes in base64. Unset: the server
     * runs, but no organization can set an upstream of its own.
     */
    RELAYPOST_SECRET_KEY: optionalString.pipe(secretKeySchema.optional()),
    /** Keys retired by a rotation, comma-separated: still open passwords sealed with them until they are resealed. */
    RELAYPOST_SECRET_KEY_PREVIOUS: optionalString.pipe(previousSecretKeysSchema.optional()),
    /** How long an undeliverable message is retried before it fails (24h, 30m, or seconds). */
    RELAY_MAX_AGE: durationSchema.default(DEFAULT_MAX_AGE_MS),
    /** Connections to the upstream each process keeps open at most. */
    RELAY_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
    /** Messages sent over one upstream connection before it is replaced; unset, as many as the upstream takes. */
    RELAY_MAX_MESSAGES_PER_CONNECTION: optionalString.pipe(z.coerce.number<string>().int().min(1).optional()),
    /** How long accepted messages' metadata (envelope, subject, status, replies) is kept. */
    MESSAGE_RETENTION: durationSchema.default(DEFAULT_MESSAGE_RETENTION_MS),
    /** How long their raw bytes are kept (at most MESSAGE_RETENTION); mail waiting for delivery is always kept. */
    MESSAGE_BODY_RETENTION: durationSchema.default(DEFAULT_BODY_RETENTION_MS),
    /** How long a process may hold a message it delivers; one that dies frees its messages after this. */
    RELAY_LEASE: durationSchema.default(DEFAULT_LEASE_MS),
    /**
     * Lets webhook endpoints be on loopback, private and link-local addresses and speak plain HTTP: for receivers on
     * the operator's own network. Off, members can point webhooks only at public HTTPS URLs (no SSRF).
     */
    WEBHOOKS_ALLOW_PRIVATE_NETWORKS: z
      .enum(["true", "false"])
      .default("false")
      .transform((v) => v === "true"),
    /** JSON lines for collectors by default; `pretty` for a person reading a terminal (what `pnpm start` uses). */
    LOG_FORMAT: z.enum(["json", "pretty"]).default("json"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** When set, `/metrics` answers only requests carrying `Authorization: Bearer <token>`. */
    METRICS_TOKEN: optionalString,
    /**
     * Who may sign up: `open` anyone, `invite` only through an invitation link, `closed` nobody (the operator makes
     * accounts with `relaypost org create`). The first account of an empty instance is admitted in every mode.
     */
    REGISTRATION: registrationModeSchema.default("open"),
    /** A WebSocket client with more unsent data than this is disconnected (it resumes by event id). */
    WS_MAX_BUFFERED_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024),
  })
  .superRefine((config, context) => {
    if (config.DATABASE_LISTEN_URL && !config.DATABASE_URL) {
      context.addIssue({
        code: "custom",
        path: ["DATABASE_LISTEN_URL"],
        message: "is the direct connection beside DATABASE_URL; set DATABASE_URL too",
      });
    }
  });

export type Config = z.infer<typeof schema>;

/** Reads the environment once, at start-up; nothing else in the server reads `process.env`. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return result.data;
}

/** The keyring built from RELAYPOST_SECRET_KEY and its retired predecessors; undefined without a key. */
export function keyringOf(config: Pick<Config, "RELAYPOST_SECRET_KEY" | "RELAYPOST_SECRET_KEY_PREVIOUS">) {
  if (!config.RELAYPOST_SECRET_KEY) return undefined;
  return new Keyring(config.RELAYPOST_SECRET_KEY, config.RELAYPOST_SECRET_KEY_PREVIOUS ?? []);
}

/** Where the configured database lives: PostgreSQL at DATABASE_URL, or embedded PGlite in DATA_DIR. */
export function databaseLocation(
  config: Pick<Config, "DATABASE_URL" | "DATABASE_LISTEN_URL" | "DATA_DIR">,
): DatabaseLocation {
  return { url: config.DATABASE_URL, listenUrl: config.DATABASE_LISTEN_URL, dataDir: config.DATA_DIR };
}
