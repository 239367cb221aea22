import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls, type TLSSocket } from "node:tls";

export interface Reply {
  code: number;
  /** The whole reply, lines joined with "\n", without line endings. */
  text: string;
}

/**
 * A deliberately dumb SMTP client: it writes exactly the bytes a test gives it and hands back each reply whole,
 * so tests can send malformed input and assert the exact code and text a real client would read.
 */
export class RawSmtpClient {
  private buffer = "";
  private replies: Reply[] = [];
  private waiting: Array<(reply: Reply | undefined) => void> = [];
  private closedFlag = false;
  private readonly closedPromise: Promise<void>;
  private resolveClosed: () => void = () => {};

  private constructor(private socket: Socket | TLSSocket) {
    this.closedPromise = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.attach(socket);
  }

  static async connect(port: number, options: { tls?: boolean; host?: string; preamble?: string } = {}) {
    const host = options.host ?? "127.0.0.1";
    const socket = options.tls ? connectTls({ port, host, rejectUnauthorized: false }) : connectTcp({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? "secureConnect" : "connect", () => resolve());
      socket.once("error", reject);
    });
    if (options.preamble) socket.write(options.preamble);
    const client = new RawSmtpClient(socket);
    const greeting = await client.read();
    if (greeting?.code !== 220) throw new Error(`unexpected greeting ${greeting?.text}`);
    return client;
  }

  private attach(socket: Socket | TLSSocket) {
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => this.onData(chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closedFlag = true;
      for (const waiter of this.waiting.splice(0)) waiter(undefined);
      this.resolveClosed();
    });
  }

  private onData(chunk: string) {
    this.buffer += chunk;
    for (;;) {
      const match = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(this.buffer);
      if (!match) return;
      const end = match.index + match[0].length;
      const lines = this.buffer.slice(0, end).split("\r\n").filter(Boolean);
      this.buffer = this.buffer.slice(end);
      const reply = { code: Number(match[1]), text: lines.join("\n") };
      const waiter = this.waiting.shift();
      if (waiter) waiter(reply);
      else this.replies.push(reply);
    }
  }

  /** The next reply, or undefined once the server has closed the connection. */
  read(): Promise<Reply | undefined> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.closedFlag) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async command(line: string | Buffer): Promise<Reply | undefined> {
    this.write(typeof line === "string" ? `${line}\r\n` : Buffer.concat([line, Buffer.from("\r\n")]));
    return this.read();
  }

  async startTls(): Promise<void> {
    const reply = await this.command("STARTTLS");
    if (reply?.code !== 220) throw new Error(`STARTTLS refused: ${reply?.text}`);
    const plain = this.socket;
    plain.removeAllListeners("data");
    plain.removeAllListeners("close");
    const secure = connectTls({ socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", () => resolve());
      secure.once("error", reject);
    });
    this.socket = secure;
    this.attach(secure);
  }

  /** AUTH PLAIN with an initial response: authzid NUL authcid NUL password. */
  authPlain(username: string, password: string, authzid = ""): Promise<Reply | undefined> {
    return this.command(`AUTH PLAIN ${Buffer.from(`${authzid}\0${username}\0${password}`).toString("base64")}`);
  }

  async authLogin(username: string, password: string): Promise<Reply | undefined> {
    const first = await this.command("AUTH LOGIN");
    if (first?.code !== 334) return first;
    const second = await this.command(Buffer.from(username).toString("base64"));
    if (second?.code !== 334) return second;
    return this.command(Buffer.from(password).toString("base64"));
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Resolves when the server has closed the connection. */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  async quit(): Promise<void> {
    if (!this.closedFlag) {
      this.write("QUIT\r\n");
      this.socket.end();
    }
    await this.closedPromise;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
