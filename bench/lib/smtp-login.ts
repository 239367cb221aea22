import { connect } from "node:net";

export type LoginOutcome = { code: number; repliedAt: number };

/**
 * One plaintext SMTP session as a mail application opens it: greeting, EHLO, AUTH PLAIN, QUIT. Resolves with the
 * AUTH reply's code and the moment (performance.now()) it arrived. Plaintext AUTH is what the server allows from
 * loopback in development; it keeps TLS handshakes out of the figures. `from` picks the loopback source address.
 */
export function smtpLogin(port: number, username: string, password: string, from?: string): Promise<LoginOutcome> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress: from });
    const auth = Buffer.from(`\0${username}\0${password}`).toString("base64");
    let buffer = "";
    let stage = 0;
    socket.setEncoding("latin1");
    socket.setNoDelay(true);
    socket.on("error", reject);
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (;;) {
        // A reply ends with its last line, "NNN text" (continuation lines use "NNN-text").
        const match = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(buffer);
        if (!match) return;
        buffer = buffer.slice(match.index + match[0].length);
        if (stage === 0) socket.write("EHLO bench.example\r\n");
        else if (stage === 1) socket.write(`AUTH PLAIN ${auth}\r\n`);
        else if (stage === 2) {
          resolve({ code: Number(match[1]), repliedAt: performance.now() });
          socket.end("QUIT\r\n");
        }
        stage++;
      }
    });
  });
}
