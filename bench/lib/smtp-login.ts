import { connect, type Socket } from "node:net";

/**
 * Calls `onReply` with the code of each complete SMTP reply the socket receives. A reply ends with its last line,
 * "NNN text"; continuation lines ("NNN-text") are skipped.
 */
export function readReplies(socket: Socket, onReply: (code: number) => void): void {
  let buffer = "";
  socket.setEncoding("latin1");
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    for (let m = /^(\d{3}) .*\r\n/m.exec(buffer); m; m = /^(\d{3}) .*\r\n/m.exec(buffer)) {
      buffer = buffer.slice(m.index + m[0].length);
      onReply(Number(m[1]));
    }
  });
}

/** The AUTH reply's code (0 when the connection failed before one arrived) and how long the whole login took. */
export interface LoginOutcome {
  code: number;
  ms: number;
  /** performance.now() when the AUTH reply arrived. */
  at: number;
}

/**
 * One plaintext SMTP session as a mail application opens it: greeting, EHLO, AUTH PLAIN, QUIT. Plaintext AUTH is
 * what the server allows from loopback in development; it keeps TLS handshakes out of the figures. `from` picks the
 * loopback source address, which is what the server's per-address throttle sees, so a guesser and an application
 * can be told apart. A refusal before AUTH (a 421 from the throttle) ends the session with that code.
 */
export function smtpLogin(port: number, username: string, password: string, from?: string): Promise<LoginOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress: from });
    const script = ["EHLO bench.example", `AUTH PLAIN ${Buffer.from(`\0${username}\0${password}`).toString("base64")}`];
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      const at = performance.now();
      resolve({ code, ms: at - started, at });
      socket.end("QUIT\r\n");
    };
    socket.setNoDelay(true);
    socket.on("error", () => finish(0));
    socket.on("close", () => finish(0));
    readReplies(socket, (code) => {
      const next = script.shift();
      if (code >= 400 || !next) return finish(code);
      socket.write(`${next}\r\n`);
    });
  });
}
