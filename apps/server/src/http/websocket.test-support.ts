import superjson from "superjson";
import WebSocket from "ws";

/** A reply to one call: the data, `started` for a subscription, or the error code. */
export type Reply = { ok: true; data: unknown } | { ok: false; code: string };

interface WireReply {
  id: number;
  result?: { type: string; data?: { json: unknown } };
  error?: { json: { data: { code: string } } };
}

/**
 * One tRPC WebSocket connection spoken to directly, without the client's reconnects: it shows exactly which calls
 * were answered and with which code the server closed the socket.
 */
export async function rawConnection(url: string, connectionParams: Record<string, string>) {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/trpc?connectionParams=1`);
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  ws.send(JSON.stringify({ method: "connectionParams", data: connectionParams }));
  const pending = new Map<number, (reply: Reply) => void>();
  ws.on("message", (raw) => {
    const message = JSON.parse(String(raw)) as WireReply;
    const reply: Reply = message.error
      ? { ok: false, code: message.error.json.data.code }
      : { ok: true, data: message.result?.type === "data" ? message.result.data?.json : message.result?.type };
    pending.get(message.id)?.(reply);
    pending.delete(message.id);
  });
  let lastId = 0;
  return {
    /** Resolves with the server's first reply to the call, or `closed` if the socket closed before one came. */
    call(method: "query" | "mutation" | "subscription", path: string, input?: unknown): Promise<Reply | "closed"> {
      const id = ++lastId;
      const reply = new Promise<Reply>((resolve) => pending.set(id, resolve));
      ws.send(JSON.stringify({ id, method, params: { path, input: superjson.serialize(input) } }));
      return Promise.race([reply, closed.then(() => "closed" as const)]);
    },
    /** The close code the server sent. */
    closed,
    close: () => ws.close(),
  };
}

/** Waits for `promise`, failing the test with `what` if it has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
