import type { IncomingMessage, Server } from "node:http";
import type { Http2SecureServer, Http2Server } from "node:http2";
import type { Duplex } from "node:stream";
import { appRouter, type ConnectionAccess, openConnectionAccess, type SmtpEndpoint } from "@relaypost/api";
import { MAX_BATCH_CALLS, MAX_REQUEST_BYTES } from "@relaypost/contract";
import type { AccessClaim, AccessRevocation, Core, RevocationFeed } from "@relaypost/core";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { type WebSocket, WebSocketServer } from "ws";
import type { FaultLogger } from "../log";

export interface WebSocketOptions {
  core: Core;
  smtpEndpoint: SmtpEndpoint;
  /** A client whose unsent data exceeds this is disconnected; it resumes by event id when it reconnects. */
  maxBufferedBytes?: number;
  pingMs?: number;
  /** For tests only: how often open connections' access is checked (ACCESS_CHECK_INTERVAL_MS otherwise). */
  accessCheckIntervalMs?: number;
  logFault: FaultLogger;
}

/**
 * How often every open connection's access is checked against the database. Revocation notices close connections at
 * once, but one sent while this process's LISTEN connection was down is lost; this bounds how long that can last.
 */
export const ACCESS_CHECK_INTERVAL_MS = 1_000;

const TRPC_PATH = "/trpc";
/** Close code for a connection whose credentials stopped being valid (4000–4999 are for applications). */
export const CLOSE_REVOKED = 4401;
const CLOSE_TOO_SLOW = 4408;

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  return headers;
}

/**
 * A browser sends its cookies with any WebSocket upgrade, even one opened by another site's page. Refuse upgrades
 * whose Origin is not this host, so a cookie can never authenticate a cross-site socket (non-browser clients send
 * no Origin and authenticate with an API key).
 */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** tRPC over WebSocket on the HTTP server's own port and path. */
export function attachWebSocket(server: Server | Http2Server | Http2SecureServer, options: WebSocketOptions) {
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  const connections = new Map<WebSocket, ConnectionAccess>();
  const closeRevoked = (ws: WebSocket) => ws.close(CLOSE_REVOKED, "access revoked");
  const { logFault } = options;

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== TRPC_PATH || !sameOrigin(req)) {
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });

  const handler = applyWSSHandler({
    wss,
    router: appRouter,
    maxBatchSize: MAX_BATCH_CALLS,
    keepAlive: { enabled: true, pingMs: options.pingMs ?? 30_000, pongWaitMs: 5_000 },
    async createContext({ req, res, info }) {
      res.once("close", () => connections.delete(res));
      const request = {
        headers: headersOf(req),
        remoteAddress: req.socket.remoteAddress ?? null,
        connectionParams: info.connectionParams,
      };
      // A call refused for revoked access closes the socket after its reply: tRPC drops replies once closing starts.
      const onLapsed = () => setImmediate(() => closeRevoked(res));
      const access = await openConnectionAccess(options.core, request, onLapsed, options.smtpEndpoint);
      if (res.readyState !== res.CLOSED) connections.set(res, access);
      return access.context;
    },
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") logFault(`ws ${path ?? "?"}`, error);
    },
  });

  const slowClients = setInterval(() => {
    for (const ws of wss.clients) if (ws.bufferedAmount > maxBufferedBytes) ws.close(CLOSE_TOO_SLOW, "too slow");
  }, 250);
  slowClients.unref();

  /** Ends the connections of a party that just lost access, so none of its subscriptions outlives it. */
  function revoke(revocation: AccessRevocation): void {
    for (const [ws, access] of connections) if (access.isRevokedBy(revocation)) closeRevoked(ws);
  }

  let checking: Promise<void> | undefined;
  /** Checks every open connection's access with one query, and ends those that lost it. */
  function checkAccess(): Promise<void> {
    checking ??= (async () => {
      const claims = new Map<string, AccessClaim>();
      for (const access of connections.values()) {
        for (const claim of access.claims()) claims.set(JSON.stringify(claim), claim);
      }
      for (const revocation of await options.core.access.lapsed([...claims.values()])) revoke(revocation);
    })()
      .catch((error) => logFault("WebSocket access check", error))
      .finally(() => {
        checking = undefined;
      });
    return checking;
  }
  const accessCheck = setInterval(() => void checkAccess(), options.accessCheckIntervalMs ?? ACCESS_CHECK_INTERVAL_MS);
  accessCheck.unref();
  let stopListening: (() => Promise<void>) | undefined;

  return {
    /**
     * Ends connections on the revocation notices of every process, and checks them all whenever LISTEN is in force
     * again: a notice sent while it was down is gone.
     */
    async listenForRevocations(revocations: RevocationFeed): Promise<void> {
      stopListening = await revocations.listen(revoke, () => void checkAccess());
    },
    get connections() {
      return wss.clients.size;
    },
    /** Asks clients to reconnect (to another process) and closes the server. */
    async close(): Promise<void> {
      clearInterval(slowClients);
      clearInterval(accessCheck);
      handler.broadcastReconnectNotification();
      for (const ws of wss.clients) ws.close(1001, "server shutting down");
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await stopListening?.();
      await checking;
    },
  };
}
