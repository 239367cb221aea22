import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** The header each bench message carries, so the sink knows which send it was and when that began. */
export const BENCH_ID_HEADER = "X-Bench-Id";

/**
 * An upstream to relay to: smtp-server on loopback that accepts any login and every message, reads the message
 * through (nothing kept but its bench id), and notes when each arrived.
 */
export async function startSink() {
  const arrivals = new Map<string, number>();
  let bytes = 0;
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    size: 64 * 1024 * 1024,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
    onData(stream, _session, callback) {
      let head = "";
      stream.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (head.length < 4096) head += chunk.toString("latin1");
      });
      stream.on("end", () => {
        const id = new RegExp(`^${BENCH_ID_HEADER}: (\\S+)`, "im").exec(head)?.[1];
        if (id && !arrivals.has(id)) arrivals.set(id, performance.now());
        for (const wake of waiters) wake();
        callback();
      });
    },
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    arrivals,
    bytes: () => bytes,
    /** Resolves once every id has arrived. */
    async waitFor(ids: readonly string[]): Promise<void> {
      while (!ids.every((id) => arrivals.has(id))) {
        await new Promise<void>((resolve) => {
          waiters.add(resolve);
        });
        waiters.clear();
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type Sink = Awaited<ReturnType<typeof startSink>>;
