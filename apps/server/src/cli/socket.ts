import { chmodSync, mkdirSync, renameSync, statSync, unlinkSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { DomainError, type DomainErrorCode } from "@relaypost/core";
import { z } from "zod";
import { UnavailableError, UsageError } from "./exit-codes";
import { type CliAnswer, type CliRequest, cliRequestSchema } from "./requests";

/**
 * The running server's door for the CLI: a Unix socket in DATA_DIR, mode 0600, so only the server's own user (and
 * root) can connect. Embedded PGlite is held by one process at a time; through the socket the CLI's commands run
 * inside the server, on its database, without stopping it.
 */
export const cliSocketPath = (dataDir: string) => join(dataDir, "relaypost.sock");

/** sun_path holds 108 bytes with its terminating NUL; Node cuts a longer path short instead of refusing it. */
const MAX_SOCKET_PATH_BYTES = 107;
const fitsSocketAddress = (path: string) => Buffer.byteLength(path) <= MAX_SOCKET_PATH_BYTES;

/** One request line is a few hundred bytes; anything far larger is not the CLI talking. */
const MAX_REQUEST_BYTES = 64 * 1024;

const replySchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown(), text: z.array(z.string()) }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      kind: z.enum(["domain", "usage", "internal"]),
      code: z.string().optional(),
      message: z.string(),
    }),
  }),
]);
type Reply = z.infer<typeof replySchema>;

export interface CliSocket {
  path: string;
  /** False when another live server already answered on the path. */
  listening: boolean;
  close(): Promise<void>;
}

/** Whether something answers on the socket at `path` (a live server rather than a crashed one's leftover file). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/**
 * Listens on DATA_DIR's socket, running each request with `execute`. The socket is bound under a temporary name,
 * narrowed to 0600 and only then renamed into place, so no client ever finds it open to others; the rename also
 * replaces a crashed server's leftover file. Where another live server already answers (processes sharing
 * PostgreSQL and a DATA_DIR), that one keeps the socket and this one does not listen.
 */
export async function listenCliSocket(
  dataDir: string,
  execute: (request: CliRequest) => Promise<CliAnswer>,
  onFault: (context: string, error: unknown) => void,
): Promise<CliSocket> {
  const path = cliSocketPath(dataDir);
  if (await answers(path)) return { path, listening: false, close: async () => {} };
  const staging = `${path}.${process.pid}`;
  if (!fitsSocketAddress(staging)) {
    throw new Error(`${path} is too long for a Unix socket (${MAX_SOCKET_PATH_BYTES} bytes at most): shorten DATA_DIR`);
  }
  const server = createServer((socket) => serveConnection(socket, execute, onFault));
  // On PostgreSQL with the operator's own TLS files nothing else creates DATA_DIR.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  rmIfPresent(staging);
  await listen(server, staging);
  let ino: number;
  try {
    chmodSync(staging, 0o600);
    renameSync(staging, path);
    ino = statSync(path).ino;
  } catch (error) {
    server.close();
    throw error;
  }
  return {
    path,
    listening: true,
    close: () =>
      new Promise<void>((resolve) => {
        // Only this server's own socket file goes: a later server may have replaced it already.
        if (statSync(path, { throwIfNoEntry: false })?.ino === ino) rmIfPresent(path);
        server.close(() => resolve());
      }),
  };
}

function rmIfPresent(path: string) {
  try {
    unlinkSync(path);
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) throw error;
  }
}

function serveConnection(
  socket: Socket,
  execute: (request: CliRequest) => Promise<CliAnswer>,
  onFault: (context: string, error: unknown) => void,
) {
  let received = "";
  socket.setEncoding("utf8");
  socket.on("error", () => socket.destroy());
  const onData = (chunk: string) => {
    received += chunk;
    const end = received.indexOf("\n");
    if (end === -1 && received.length <= MAX_REQUEST_BYTES) return;
    socket.off("data", onData);
    void answer(received.slice(0, end === -1 ? MAX_REQUEST_BYTES : end), execute, onFault).then((reply) =>
      socket.end(`${JSON.stringify(reply)}\n`),
    );
  };
  socket.on("data", onData);
}

async function answer(
  line: string,
  execute: (request: CliRequest) => Promise<CliAnswer>,
  onFault: (context: string, error: unknown) => void,
): Promise<Reply> {
  let request: CliRequest;
  try {
    request = cliRequestSchema.parse(JSON.parse(line));
  } catch {
    return { ok: false, error: { kind: "usage", message: "The server did not understand this request" } };
  }
  try {
    return { ok: true, ...(await execute(request)) };
  } catch (error) {
    if (error instanceof DomainError) {
      return { ok: false, error: { kind: "domain", code: error.code, message: error.message } };
    }
    // The request is not logged: it may carry a password.
    onFault(`CLI command ${request.command}`, error);
    return { ok: false, error: { kind: "internal", message: "The command failed inside the server; see its log" } };
  }
}

const DOMAIN_CODES = new Set<string>([
  "BAD_REQUEST",
  "CONFLICT",
  "NOT_FOUND",
  "FORBIDDEN",
  "UNAUTHORIZED",
  "UNPROCESSABLE_CONTENT",
] satisfies DomainErrorCode[]);
const isDomainCode = (code: string | undefined): code is DomainErrorCode => !!code && DOMAIN_CODES.has(code);

/** Errors of `connect` that mean no server listens on the socket, so the CLI should open the database itself. */
const NO_SERVER = new Set(["ENOENT", "ECONNREFUSED"]);

/**
 * Hands `request` to the server listening on DATA_DIR's socket, resolving with its answer, or with undefined when
 * no server listens there. A failure the server reports is thrown as the same typed error it was there.
 */
export async function askServer(dataDir: string, request: CliRequest): Promise<CliAnswer | undefined> {
  const path = cliSocketPath(dataDir);
  // No server can listen on a path that long (listenCliSocket refuses it), and connecting would reach a shortened one.
  if (!fitsSocketAddress(path)) return undefined;
  const raw = await new Promise<string | undefined>((resolve, reject) => {
    let connected = false;
    let received = "";
    const socket = connect(path);
    socket.setEncoding("utf8");
    socket.once("connect", () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on("data", (chunk: string) => {
      received += chunk;
    });
    socket.once("end", () => resolve(received));
    socket.once("error", (error: NodeJS.ErrnoException) => {
      if (!connected && error.code && NO_SERVER.has(error.code)) resolve(undefined);
      else reject(new UnavailableError(`Could not talk to the server on ${path}: ${error.message}`));
    });
  });
  if (raw === undefined) return undefined;
  const reply = parseReply(raw, path);
  if (reply.ok) return { data: reply.data, text: reply.text };
  const { kind, code, message } = reply.error;
  if (kind === "domain" && isDomainCode(code)) throw new DomainError(code, message);
  if (kind === "usage") throw new UsageError(message);
  throw new Error(message);
}

function parseReply(raw: string, path: string): Reply {
  try {
    return replySchema.parse(JSON.parse(raw));
  } catch {
    throw new UnavailableError(`The server on ${path} closed the connection without an answer`);
  }
}
