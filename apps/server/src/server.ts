import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { NOT_RELAYED_NOTICE } from "@relaypost/contract";
import {
  type Core,
  createRuntime,
  type DatabaseHandle,
  type EventBus,
  type EventPublisher,
  type OpenedDatabase,
  type RuntimeConfig,
} from "@relaypost/core";
import type { TlsMaterial } from "@relaypost/smtp";
import { type Config, keyringOf } from "./config";
import { createHttpApp } from "./http/app";
import { attachWebSocket } from "./http/websocket";
import { type FaultSink, faultLogger, logInfo } from "./log";
import { loadSmtpTls, startSmtp } from "./smtp";
import { explainSmtpStartup, listenStartupError, openConfiguredDatabase } from "./startup-error";

export const defaultDashboardDir = fileURLToPath(new URL("../../dashboard/dist", import.meta.url));

export interface RelayPostServer {
  core: Core;
  /** This process's database, for tests and benches that seed or read rows no API shows. */
  database: DatabaseHandle;
  bus: EventBus;
  publisher: EventPublisher;
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
    leaseMs: config.RELAY_LEASE,
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
  /** Where fault lines go (standard error by default). */
  faultSink?: FaultSink;
  /** How long PostgreSQL may take to answer at start-up; tests shorten the default 10 s. */
  databaseConnectTimeoutMs?: number;
}

/**
 * Opens the database, applies migrations and starts every listener of one RelayPost process. A failure the operator
 * can fix (the database unreachable, a port taken, a TLS file unreadable) rejects with a StartupError naming the
 * variable to change, after closing whatever had started.
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
  { faultSink }: StartOptions,
  started: Started,
): Promise<RelayPostServer> {
  const logFault = faultLogger(faultSink);
  const runtime = await createRuntime(database, {
    onError: logFault,
    relay: relayConfig(config),
    keyring: keyringOf(config),
    messageRetentionMs: config.MESSAGE_RETENTION,
    messageBodyRetentionMs: config.MESSAGE_BODY_RETENTION,
    webhooks: { policy: { allowPrivateNetworks: config.WEBHOOKS_ALLOW_PRIVATE_NETWORKS } },
  });
  started.add(() => runtime.close());
  const { core, bus, publisher } = runtime;
  const smtp = await explainingSmtpFailures(() => startSmtp(config, { runtime, tls, logFault }));
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
    logFault,
  });
  const http = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST });
  started.add(() => new Promise<void>((resolve) => http.close(() => resolve())));
  await listenHttp(http, config.PORT);
  const websocket = attachWebSocket(http, {
    core,
    smtpEndpoint,
    maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
    logFault,
  });
  started.add(() => websocket.close());
  await websocket.listenForRevocations(runtime.revocations);
  const httpPort = (http.address() as AddressInfo).port;
  logInfo(`HTTP listening on http://${config.HOST}:${httpPort} (${database.description})`);
  logInfo(
    config.RELAY_URL
      ? `Relaying accepted messages to ${config.RELAY_URL.description}`
      : `No upstream configured (RELAY_URL): accepted messages are ${NOT_RELAYED_NOTICE}, except those of organizations with an upstream of their own`,
  );
  if (!config.RELAYPOST_SECRET_KEY) {
    logInfo("RELAYPOST_SECRET_KEY is not set: organizations cannot set an upstream of their own nor add webhooks");
  }
  runtime.startMaintenance();

  let closing: Promise<void> | undefined;
  return {
    core,
    database,
    bus,
    publisher,
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
