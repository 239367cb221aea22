import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { type Core, createCore } from "@relaypost/core";
import type { Config } from "./config";
import { openDatabase } from "./database";
import { createHttpApp } from "./http/app";
import { logInfo } from "./log";

export const defaultDashboardDir = fileURLToPath(new URL("../../dashboard/dist", import.meta.url));

export interface RelayPostServer {
  core: Core;
  httpPort: number;
  close(): Promise<void>;
}

/** Opens the database, applies migrations and starts every listener of one RelayPost process. */
export async function startServer(config: Config): Promise<RelayPostServer> {
  const database = await openDatabase(config);
  const core = createCore({ db: database.db });
  const app = createHttpApp({ core, dashboardDir: config.DASHBOARD_DIR ?? defaultDashboardDir });
  const http = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST });
  await new Promise<void>((resolve, reject) => {
    http.once("listening", resolve);
    http.once("error", reject);
  });
  const httpPort = (http.address() as AddressInfo).port;
  logInfo(`HTTP listening on http://${config.HOST}:${httpPort} (${database.description})`);

  let closing: Promise<void> | undefined;
  return {
    core,
    httpPort,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          if ("closeAllConnections" in http) http.closeAllConnections();
        });
        await database.close();
      })();
      return closing;
    },
  };
}
