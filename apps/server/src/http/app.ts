import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { getConnInfo } from "@hono/node-server/conninfo";
import { serveStatic } from "@hono/node-server/serve-static";
import {
  appRouter,
  createContext,
  createRestHandler,
  openApiDocument,
  problemResponse,
  REST_PREFIX,
  type SmtpEndpoint,
} from "@relaypost/api";
import { MAX_BATCH_CALLS, MAX_REQUEST_BYTES } from "@relaypost/contract";
import type { Core } from "@relaypost/core";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { faultLogger } from "../log";
import { mountApiDocs } from "./api-docs";
import { mountMetrics } from "./metrics";
import { securityHeaders } from "./security-headers";

const READY_TIMEOUT_MS = 2_000;

export interface HttpAppOptions {
  core: Core;
  smtpEndpoint: SmtpEndpoint;
  /** Built dashboard (index.html and assets); served from `/` when present. */
  dashboardDir?: string | undefined;
  log: Logger;
  /** Told of every server fault an HTTP call hits (the metrics' `relaypost_faults_total`). */
  countFault?: (where: string) => void;
  /** `/metrics`: the registry it serves, and the bearer token it asks for when one is set. */
  metrics: { registry: Registry; token?: string | undefined };
}

export function createHttpApp({ core, smtpEndpoint, dashboardDir, log, countFault, metrics }: HttpAppOptions) {
  const app = new Hono();
  app.use(securityHeaders());
  // Every request gets an id (or keeps the balancer's X-Request-Id), answered back and carried by its fault lines.
  app.use(requestId());
  const logFault = (c: Context) => faultLogger(log.child({ requestId: c.get("requestId") }), countFault);
  mountMetrics(app, metrics);

  app.get("/healthz", (c) => c.json({ status: "ok" }));

  app.get("/readyz", async (c) => {
    try {
      // A load balancer needs an answer while the database hangs, not when its connection finally times out.
      await Promise.race([
        core.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), READY_TIMEOUT_MS).unref()),
      ]);
      return c.json({ status: "ready", database: "ok" });
    } catch {
      return c.json({ status: "unavailable", database: "unreachable" }, 503);
    }
  });

  // tRPC reads a whole body into memory before parsing it: refuse by Content-Length, or once a chunked body passes it.
  app.use(
    "/trpc/*",
    bodyLimit({
      maxSize: MAX_REQUEST_BYTES,
      // The refused body is never read, so the connection cannot carry another request: say so, and close it.
      onError: (c) => c.text("Payload Too Large", 413, { Connection: "close" }),
    }),
  );
  app.all("/trpc/*", (c) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req: c.req.raw,
      router: appRouter,
      maxBatchSize: MAX_BATCH_CALLS,
      createContext: ({ req, resHeaders }) =>
        createContext(
          core,
          {
            headers: req.headers,
            resHeaders,
            remoteAddress: getConnInfo(c).remote.address ?? null,
            secure: new URL(req.url).protocol === "https:",
          },
          smtpEndpoint,
        ),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") logFault(c)(`trpc ${path ?? "?"}`, error);
      },
    }),
  );

  const rest = createRestHandler({
    core,
    smtpEndpoint,
    onError: (error, path) => {
      if (error.code === "INTERNAL_SERVER_ERROR") faultLogger(log, countFault)(`rest ${path ?? "?"}`, error);
    },
  });
  app.use(
    `${REST_PREFIX}/*`,
    bodyLimit({
      maxSize: MAX_REQUEST_BYTES,
      onError: () =>
        problemResponse(413, "PAYLOAD_TOO_LARGE", `The body must be at most ${MAX_REQUEST_BYTES} bytes`, {
          Connection: "close",
        }),
    }),
  );
  app.get(`${REST_PREFIX}/openapi.json`, (c) => c.json(openApiDocument()));
  mountApiDocs(app);
  app.all(`${REST_PREFIX}/*`, (c) => rest(c.req.raw, { remoteAddress: getConnInfo(c).remote.address ?? null }));

  if (dashboardDir && existsSync(join(dashboardDir, "index.html"))) {
    const root = relative(process.cwd(), dashboardDir) || ".";
    app.use("/*", serveStatic({ root }));
    // Client-side routes all load the single page; anything else that no route took is not found.
    const indexHtml = readFileSync(join(dashboardDir, "index.html"), "utf8");
    app.get("*", (c, next) => (isDashboardRoute(c.req.path) ? c.html(indexHtml) : next()));
  }

  return app;
}

/**
 * Paths the server keeps for machines: what no route here answers under them does not exist, whatever the dashboard
 * (a plain 404; under /api/v1 the REST handler answers every path itself, with a problem+json 404).
 */
const RESERVED_PREFIXES = ["/api", "/trpc", "/metrics", "/healthz", "/readyz", "/.well-known"];

/**
 * Whether a GET no route answered is one of the dashboard's client-side routes (/credentials, /settings/webhooks,
 * /invite/…), which all load index.html and let the dashboard draw the page or its own "not found". A reserved
 * prefix is never one, so a monitor or client asking for a missing endpoint gets a 404 rather than a 200 page; nor is
 * a path whose last segment has a file extension (/favicon.ico, /assets/old-hash.js, /robots.txt): the dashboard's
 * routes have none, and its real files were served above.
 */
export function isDashboardRoute(path: string): boolean {
  if (RESERVED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return false;
  const last = path.slice(path.lastIndexOf("/") + 1);
  return !last.includes(".");
}
