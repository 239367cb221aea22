import type { IncomingMessage, Server } from "node:http";
import type { Http2SecureServer, Http2Server } from "node:http2";
import type { Duplex } from "node:stream";
import {
  appRouter,
  createContext,
  MAX_BATCH_CALLS,
  MAX_REQUEST_BYTES,
  type Principal,
  type SmtpEndpoint,
} from "@relaypost/api";
import type { AccessRevocation, Core } from "@relaypost/core";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { type WebSocket, WebSocketServer } from "ws";
import { type FaultLogger, logServerFault } from "../log";

export interface WebSocketOptions {
  core: Core;
  smtpEndpoint: SmtpEndpoint;
  /** A client whose unsent data exceeds this is disconnected; it resumes by event id when it reconnects. */
  maxBufferedBytes?: number;
  pingMs?: number;
  logFault?: FaultLogger;
}

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

const revokes = (principal: Principal, revocation: AccessRevocation): boolean => {
  switch (revocation.kind) {
    case "session":
      return principal.kind === "session" && principal.sessionId === revocation.sessionId;
    case "apiKey":
      return principal.kind === "apiKey" && principal.apiKey.id === revocation.apiKeyId;
    case "member":
      return principal.kind === "session" && principal.user.id === revocation.userId;
  }
};

/** tRPC over WebSocket on the HTTP server's own port and path. */
export function attachWebSocket(server: Server | Http2Server | Http2SecureServer, options: WebSocketOptions) {
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  const principals = new Map<WebSocket, Principal>();

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
      const context = await createContext(
        options.core,
        {
          headers: headersOf(req),
          remoteAddress: req.socket.remoteAddress ?? null,
          connectionParams: info.connectionParams,
        },
        options.smtpEndpoint,
      );
      principals.set(res, context.principal);
      res.once("close", () => principals.delete(res));
      return context;
    },
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") (options.logFault ?? logServerFault)(`ws ${path ?? "?"}`, error);
    },
  });

  const slowClients = setInterval(() => {
    for (const ws of wss.clients) if (ws.bufferedAmount > maxBufferedBytes) ws.close(CLOSE_TOO_SLOW, "too slow");
  }, 250);
  slowClients.unref();

  return {
    /** Ends the connections of a party that just lost access, so none of its subscriptions outlives it. */
    revoke(revocation: AccessRevocation): void {
      for (const [ws, principal] of principals) {
        if (revokes(principal, revocation)) ws.close(CLOSE_REVOKED, "access revoked");
      }
    },
    get connections() {
      return wss.clients.size;
    },
    /** Asks clients to reconnect (to another process) and closes the server. */
    async close(): Promise<void> {
      clearInterval(slowClients);
      handler.broadcastReconnectNotification();
      for (const ws of wss.clients) ws.close(1001, "server shutting down");
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
