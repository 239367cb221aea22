/**
 * The ceiling of bench/relay: the least a relay on RelayPost's SMTP stack can do. smtp-server (as RelayPost
 * configures it, accepting any login) takes each message whole into memory as RelayPost does, answers 250 at once,
 * and hands it to `--to` over pooled nodemailer connections as RelayPost's workers do (5 per upstream). Nothing is
 * stored, so nothing survives a crash: what RelayPost adds on top of this is the durable outbox, the checks and the
 * events. Prints its port on stdout once listening.
 */
import { parseArgs } from "node:util";
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";

const { values } = parseArgs({ options: { to: { type: "string" }, connections: { type: "string", default: "5" } } });
const upstream = nodemailer.createTransport({
  host: "127.0.0.1",
  port: Number(values.to),
  secure: false,
  ignoreTLS: true,
  pool: true,
  maxConnections: Number(values.connections),
  maxMessages: Number.POSITIVE_INFINITY,
});

const server = new SMTPServer({
  logger: false,
  disableReverseLookup: true,
  authMethods: ["PLAIN", "LOGIN"],
  allowInsecureAuth: true,
  size: 10 * 1024 * 1024,
  onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      // Read before answering: smtp-server starts the session's next transaction with the answer.
      const envelope = {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
        to: session.envelope.rcptTo.map((r) => r.address),
      };
      callback(null, "Ok: forwarded");
      upstream.sendMail({ envelope, raw: Buffer.concat(chunks) }).catch((error: Error) => {
        console.error(`forwarding failed: ${error.message}`);
      });
    });
  },
});
server.on("error", () => {});
server.listen(0, "127.0.0.1", () => {
  const address = server.server.address();
  console.log(typeof address === "object" && address ? address.port : "");
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
