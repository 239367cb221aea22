import { connect } from "node:net";

export type LoginOutcome = { code: number; repliedAt: number };

/**
 * One plaintext SMTP session as a mail application opens it: greeting, EHLO, AUTH PLAIN, QUIT. Resolves with the
 * AUTH reply's code and the moment (performance.now()) it arrived. Plaintext AUTH is what the server allows from
 * loopback in development; it keeps TLS handshakes out of the figures.
 */
export function smtpLogin(port: number, username: string, password: string): Promise<LoginOutcome> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    const auth = Buffer.from(`\0${username}\0${password}`).toString("base64");
    let buffer = "";
    let stage = 0;
    socket.setEncoding("latin1");
    socket.setNoDelay(true);
    socket.on("error", reject);
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (;;) {
        const end = buffer.search(/^\d{3} .*\r\n/m);
        if (end === -1) return;
        const lineEnd = buffer.indexOf("\r\n", end);
        const code = Number(buffer.slice(end, end + 3));
        buffer = buffer.slice(lineEnd + 2);
        if (stage === 0) socket.write("EHLO bench.example\r\n");
        else if (stage === 1) socket.write(`AUTH PLAIN ${auth}\r\n`);
        else if (stage === 2) {
          resolve({ code, repliedAt: performance.now() });
          socket.end("QUIT\r\n");
        }
        stage++;
      }
    });
  });
}
