import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerError } from "smtp-server";

/** How the sink answers: 250, or this code and text. */
export type SinkAnswer = "ok" | { code: number; text: string };

export interface SinkRules {
  /** The answer to RCPT TO for this address. */
  rcpt(address: string): SinkAnswer;
  /** The answer at the end of DATA. */
  data(): SinkAnswer;
}

export interface ReceivedMessage {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  messageId: string | undefined;
}

const failure = (answer: Exclude<SinkAnswer, "ok">): SMTPServerError => {
  const error: SMTPServerError = new Error(answer.text);
  error.responseCode = answer.code;
  return error;
};

const messageIdOf = (raw: Buffer) => /^message-id:\s*(.+?)\r?$/im.exec(raw.toString("latin1"))?.[1]?.trim();

/**
 * A real SMTP server on a free loopback port standing in for the upstream: it offers STARTTLS with smtp-server's own
 * self-signed certificate, takes any login when `auth` is set, answers each recipient and each DATA by `rules`
 * (250 unless told otherwise) and keeps what it took. `hold()` keeps the next DATA unanswered until released, to
 * catch a delivery mid-way.
 */
export async function startUpstreamSink(options: { auth?: { user: string; pass: string } } = {}) {
  const received: ReceivedMessage[] = [];
  const logins: Array<{ user: string | undefined }> = [];
  const waiters: Array<{ done: (received: ReceivedMessage[]) => boolean; resolve: () => void }> = [];
  let rules: SinkRules = { rcpt: () => "ok", data: () => "ok" };
  /** The next DATA to hold: told when it arrives, answered when released. */
  let nextHeld: { arrived: () => void; released: Promise<void> } | undefined;

  /** Waiting for every connection to the sink to be closed. */
  const idleWaiters: Array<() => void> = [];
  let connectionsOpened = 0;
  const server = new SMTPServer({
    onConnect(_session, callback) {
      connectionsOpened += 1;
      callback();
    },
    onClose() {
      if (server.connections.size > 0) return;
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
    logger: false,
    disableReverseLookup: true,
    authOptional: !options.auth,
    authMethods: ["PLAIN", "LOGIN"],
    allowInsecureAuth: true,
    size: 64 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      logins.push({ user: auth.username });
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass) {
        return callback(null, { user: auth.username });
      }
      callback(failure({ code: 535, text: "5.7.8 Authentication failed" }));
    },
    onRcptTo(address, _session, callback) {
      const answer = rules.rcpt(address.address);
      callback(answer === "ok" ? undefined : failure(answer));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        const hold = nextHeld;
        nextHeld = undefined;
        if (hold) {
          hold.arrived();
          await hold.released;
        }
        const answer = rules.data();
        if (answer !== "ok") return callback(failure(answer));
        const raw = Buffer.concat(chunks);
        received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
          messageId: messageIdOf(raw),
        });
        for (const waiter of waiters.filter((w) => w.done(received))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
        callback(null, "2.0.0 Ok: taken by the sink");
      });
    },
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    received,
    logins,
    /** How many connections clients have opened to the sink so far. */
    get connectionsOpened() {
      return connectionsOpened;
    },
    /** The URL RelayPost relays to: STARTTLS with the sink's self-signed certificate. */
    url: options.auth
      ? `smtp://${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@127.0.0.1:${port}?tlsVerify=false`
      : `smtp://127.0.0.1:${port}?tlsVerify=false`,
    answer(next: Partial<SinkRules>): void {
      rules = { ...rules, ...next };
    },
    /** Resolves once what the sink has taken satisfies `done` (checked as each message arrives). */
    until(done: (received: ReceivedMessage[]) => boolean): Promise<void> {
      if (done(received)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ done, resolve }));
    },
    /** Resolves once no client has a connection open to the sink (a pooled client closed its connections). */
    idle(): Promise<void> {
      if (server.connections.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    /** Holds the next DATA unanswered; `reached` settles when it is waiting, `release` lets it be answered. */
    hold() {
      let arrived = () => {};
      let release = () => {};
      const reached = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      nextHeld = { arrived, released };
      return { reached, release };
    },
    close(): Promise<void> {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export type UpstreamSink = Awaited<ReturnType<typeof startUpstreamSink>>;
