import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { NOT_RELAYED_NOTICE } from "@relaypost/contract";
import {
  type AccessRevocation,
  type Core,
  createRuntime,
  type DatabaseHandle,
  type EventBus,
  type EventPublisher,
  type OpenedDatabase,
  type RevocationFeed,
  type RuntimeConfig,
} from "@relaypost/core";
import type { TlsMaterial } from "@relaypost/smtp";
import type { DestinationStream, Logger } from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";
import { type Config, keyringOf } from "./config";
import { createHttpApp } from "./http/app";
import { attachWebSocket } from "./http/websocket";
import { createLogger, faultLogger } from "./log";
import { loadSmtpTls, startSmtp } from "./smtp";
import { explainSmtpStartup, listenStartupError, openConfiguredDatabase } from "./startup-error";

export const defaultDashboardDir = fileURLToPath(new URL("../../dashboard/dist", import.meta.url));

export interface RelayPostServer {
  core: Core;
  /** This process's database, for tests and benches that seed or read rows no API shows. */
  database: DatabaseHandle;
  bus: EventBus;
  publisher: EventPublisher;
  /** The process's logger: the serve command writes its shutdown lines there. */
  log: Logger;
  /** What `/metrics` serves. */
  metrics: Registry;
  httpPort: number;
  smtpPort: number;
  /** Set when SMTPS_PORT turned implicit TLS on. */
  smtpsPort: number | undefined;
  /** Settles if the database is gone for good (embedded PGlite's thread died); the process should then stop. */
  databaseLost: Promise<Error>;
  close(): Promise<void>;
}

/** Workers run even without RELAY_URL: organizations may have upstreams of their own. */
function relayConfig(config: Config): RuntimeConfig["relay"] {
  return {
    upstream: config.RELAY_URL,
    maxAgeMs: config.RELAY_MAX_AGE,
    maxConnections: config.RELAY_MAX_CONNECTIONS,
    maxMessagesPerConnection: config.RELAY_MAX_MESSAGES_PER_CONNECTION,
    leaseMs: config.RELAY_LEASE,
  };
}

/** Revocations as the WebSocket side hears them, one log line each (what was revoked, never a hash). */
function loggedRevocations(feed: RevocationFeed, log: Logger): RevocationFeed {
  const describe = (revocation: AccessRevocation) => {
    switch (revocation.kind) {
      case "credential":
        return { credentialId: revocation.credentialId };
      case "session":
        return { sessionId: revocation.sessionId };
      case "apiKey":
        return { apiKeyId: revocation.apiKeyId };
      case "member":
        return { organizationId: revocation.organizationId, userId: revocation.userId };
    }
  };
  return {
    listen: (onRevocation, onListening) =>
      feed.listen((revocation) => {
        log.info({ revocation: revocation.kind, ...describe(revocation) }, "access revoked");
        onRevocation(revocation);
      }, onListening),
  };
}

/** What closes the parts started so far, newest first: a start-up that fails must leave nothing running. */
class Started {
  private readonly closers: Array<() => Promise<void>> = [];
  add(close: () => Promise<void>): void {
    this.closers.unshift(close);
  }
  async closeAll(): Promise<void> {
    for (const close of this.closers) await close().catch(() => {});
  }
}

async function listenHttp(http: ReturnType<typeof serve>, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    http.once("listening", resolve);
    http.once("error", (error) => reject(listenStartupError("PORT", port, error)));
  });
}

async function explainingSmtpFailures<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    throw explainSmtpStartup(error) ?? error;
  }
}

export interface StartOptions {
  /** Where log lines go: standard output by default; a test passes its own to read them. */
  logDestination?: DestinationStream;
  /** How long PostgreSQL may take to answer at start-up; tests shorten the default 10 s. */
  databaseConnectTimeoutMs?: number;
}

/**
 * Opens the database, applies migrations and starts every listener of one RelayPost process. A failure the operator
 * can fix (the database unreachable, a port taken, a TLS file unreadable) rejects with a StartupError naming the
 * variable to change, after closing whatever had started. Its log lines go to standard output, or to
 * `options.logDestination` (a test reading them).
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RelayPostServer> {
  // Files first: a wrong path is reported at once, not after the database's migrations.
  const tls = await explainingSmtpFailures(() => loadSmtpTls(config));
  const database = await openConfiguredDatabase(config, { connectTimeoutMs: options.databaseConnectTimeoutMs });
  const started = new Started();
  started.add(() => database.close());
  try {
    return await startOn({ database, tls }, config, options, started);
  } catch (error) {
    await started.closeAll();
    throw error;
  }
}

async function startOn(
  { database, tls }: { database: OpenedDatabase; tls: TlsMaterial },
  config: Config,
  { logDestination }: StartOptions,
  started: Started,
): Promise<RelayPostServer> {
  const log = createLogger({ format: config.LOG_FORMAT, level: config.LOG_LEVEL, destination: logDestination });
  const logFault = faultLogger(log);
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: "relaypost_" });
  const runtime = await createRuntime(database, {
    onError: logFault,
    log,
    metrics,
    relay: relayConfig(config),
    keyring: keyringOf(config),
    messageRetentionMs: config.MESSAGE_RETENTION,
    messageBodyRetentionMs: config.MESSAGE_BODY_RETENTION,
    webhooks: { policy: { allowPrivateNetworks: config.WEBHOOKS_ALLOW_PRIVATE_NETWORKS } },
    registration: config.REGISTRATION,
  });
  started.add(() => runtime.close());
  const { core, bus, publisher } = runtime;
  // The runtime counts the faults it reports itself; the transports' are counted here.
  const transportFault = faultLogger(log, runtime.telemetry.fault);
  const smtp = await explainingSmtpFailures(() => startSmtp(config, { runtime, tls, logFault: transportFault, log }));
  started.add(() => smtp.close());
  const smtpEndpoint = {
    host: config.SMTP_HOST ?? null,
    port: smtp.port,
    implicitTlsPort: smtp.smtpsPort ?? null,
    relaying: config.RELAY_URL !== undefined,
  };
  const app = createHttpApp({
    core,
    smtpEndpoint,
    dashboardDir: config.DASHBOARD_DIR ?? defaultDashboardDir,
    log,
    countFault: runtime.telemetry.fault,
    metrics: { registry: metrics, token: config.METRICS_TOKEN },
  });
  const http = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST });
  started.add(() => new Promise<void>((resolve) => http.close(() => resolve())));
  await listenHttp(http, config.PORT);
  const websocket = attachWebSocket(http, {
    core,
    smtpEndpoint,
    maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
    logFault: transportFault,
  });
  started.add(() => websocket.close());
  await websocket.listenForRevocations(loggedRevocations(runtime.revocations, log));
  runtime.telemetry.gauge("relaypost_websocket_connections", "Open WebSocket connections", [], (set) =>
    set(websocket.connections),
  );
  const httpPort = (http.address() as AddressInfo).port;
  log.info(
    { host: config.HOST, port: httpPort, database: database.description },
    `HTTP listening on http://${config.HOST}:${httpPort} (${database.description})`,
  );
  log.info(
    { relay: config.RELAY_URL?.description ?? null },
    config.RELAY_URL
      ? `Relaying accepted messages to ${config.RELAY_URL.description}`
      : `No upstream configured (RELAY_URL): accepted messages are ${NOT_RELAYED_NOTICE}, except those of organizations with an upstream of their own`,
  );
  if (!config.RELAYPOST_SECRET_KEY) {
    log.warn({}, "RELAYPOST_SECRET_KEY is not set: organizations cannot set an upstream of their own nor add webhooks");
  }
  runtime.startMaintenance();

  let closing: Promise<void> | undefined;
  return {
    core,
    database,
    bus,
    publisher,
    log,
    metrics,
    httpPort,
    smtpPort: smtp.port,
    smtpsPort: smtp.smtpsPort,
    databaseLost: database.lost,
    close() {
      closing ??= (async () => {
        await smtp.close();
        await websocket.close();
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          if ("closeAllConnections" in http) http.closeAllConnections();
        });
        await runtime.close();
        await database.close();
      })();
      return closing;
    },
  };
}
