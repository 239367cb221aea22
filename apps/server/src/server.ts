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
  openDatabase,
  type RuntimeConfig,
} from "@relaypost/core";
import { type Config, databaseLocation, keyringOf } from "./config";
import { createHttpApp } from "./http/app";
import { attachWebSocket } from "./http/websocket";
import { type FaultSink, faultLogger, logInfo } from "./log";
import { startSmtp } from "./smtp";

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

/**
 * Opens the database, applies migrations and starts every listener of one RelayPost process. Its fault lines go to
 * `faultSink` (standard error by default).
 */
export async function startServer(
  config: Config,
  { faultSink }: { faultSink?: FaultSink } = {},
): Promise<RelayPostServer> {
  const logFault = faultLogger(faultSink);
  const database = await openDatabase(databaseLocation(config));
  const runtime = await createRuntime(database, {
    onError: logFault,
    relay: relayConfig(config),
    keyring: keyringOf(config),
    messageRetentionMs: config.MESSAGE_RETENTION,
    messageBodyRetentionMs: config.MESSAGE_BODY_RETENTION,
    webhooks: { policy: { allowPrivateNetworks: config.WEBHOOKS_ALLOW_PRIVATE_NETWORKS } },
    registration: config.REGISTRATION,
  });
  const { core, bus, publisher } = runtime;
  const smtp = await startSmtp(config, { runtime, logFault });
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
  await new Promise<void>((resolve, reject) => {
    http.once("listening", resolve);
    http.once("error", reject);
  });
  const websocket = attachWebSocket(http, {
    core,
    smtpEndpoint,
    maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
    logFault,
  });
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
