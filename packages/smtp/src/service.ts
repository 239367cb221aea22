import type { AddressInfo } from "node:net";
import type { AccessRevocation, Core, RevocationFeed, SmtpLogin, SmtpSubmission, Telemetry } from "@relaypost/core";
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from "smtp-server";
import { createAuthenticator } from "./authenticator";
import { REPLIES, replyError } from "./replies";
import { grantOf, isLoopback } from "./session";
import { createSubmission } from "./submission";
import type { TlsMaterial } from "./tls";

export interface SmtpServiceOptions {
  host: string;
  /** Plain SMTP with STARTTLS; 0 picks a free port. */
  port: number;
  /** Implicit TLS (SMTPS) when set. */
  smtpsPort?: number | undefined;
  tls: Pick<TlsMaterial, "key" | "cert">;
  allowInsecureLoopbackAuth: boolean;
  /** Expect a PROXY protocol v1 header on every connection (behind a TCP load balancer). */
  proxyProtocol: boolean;
  maxMessageBytes?: number;
  /** RCPT TO past this many in one transaction is answered `452 4.5.3`; the client sends the rest in another. */
  maxRecipients?: number;
  /** How long shutdown waits for sessions to finish before closing them with `421`. */
  closeTimeoutMs?: number;
}

/** The runtime's SMTP use cases (see createRuntime in @relaypost/core); this package only answers and owns sockets. */
export interface SmtpServiceDependencies {
  smtpLogin: Pick<SmtpLogin, "login">;
  smtpSubmission: Pick<SmtpSubmission, "mailFrom" | "submit" | "recipientRefused">;
  /** Revocations announced on any process: a credential's are the ones that close this process's sessions. */
  revocations: RevocationFeed;
  /** Checks open sessions' logins against the database when notices may have been missed. */
  access: Pick<Core["access"], "lapsed">;
  onError: (where: string, error: unknown) => void;
  /** The runtime's metrics: messages ended and sessions closed here are counted there. */
  telemetry: Pick<Telemetry, "message" | "sessionClosedOnRevocation">;
}

const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
/** As many as common upstreams take in one transaction (SES takes 50, Postfix 1,000 by default). */
const DEFAULT_MAX_RECIPIENTS = 100;

/** A listener could not take its port (EADDRINUSE, EACCES…): which one, so the operator knows which setting to change. */
export class SmtpListenError extends Error {
  constructor(
    readonly listener: "smtp" | "smtps",
    readonly port: number,
    options: { cause: unknown },
  ) {
    super(
      `The ${listener === "smtp" ? "SMTP" : "implicit TLS SMTP"} listener could not listen on port ${port}`,
      options,
    );
    this.name = "SmtpListenError";
  }
}

/** The embedded SMTP authenticator: smtp-server listeners wired to core's login and submission use cases. */
export async function startSmtpService(options: SmtpServiceOptions, deps: SmtpServiceDependencies) {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const maxRecipients = options.maxRecipients ?? DEFAULT_MAX_RECIPIENTS;
  const authenticate = createAuthenticator(deps.smtpLogin);
  const submission = createSubmission({
    submission: deps.smtpSubmission,
    telemetry: deps.telemetry,
    maxMessageBytes,
    onError: deps.onError,
  });

  const mayAuthenticate = (session: SMTPServerSession) =>
    session.secure || (options.allowInsecureLoopbackAuth && isLoopback(session.remoteAddress));

  const serverOptions = (secure: boolean): SMTPServerOptions => ({
    secure,
    key: options.tls.key,
    cert: options.tls.cert,
    logger: false,
    disableReverseLookup: true,
    authMethods: ["PLAIN", "LOGIN"],
    // The TLS rule is RelayPost's, with its loopback development switch: onConnect takes AUTH away from plaintext
    // sessions that may not use it, so smtp-server's own all-or-nothing check is left open.
    allowInsecureAuth: true,
    authRequiredMessage: REPLIES.authRequired[1],
    size: maxMessageBytes,
    useProxy: options.proxyProtocol,
    closeTimeout: options.closeTimeoutMs ?? 10_000,
    onConnect(session, callback) {
      // Not advertised and not accepted before TLS, as Postfix does with smtpd_tls_auth_only; MAIL FROM without a
      // login is then refused by onMailFrom.
      if (!mayAuthenticate(session)) session.disabledCommands = ["AUTH"];
      callback();
    },
    onSecure(_socket, session, callback) {
      session.disabledCommands = [];
      callback();
    },
    onAuth(auth, session, callback) {
      authenticate(auth, session).then(
        (outcome) => (outcome.ok ? callback(null, { user: outcome.grant }) : callback(replyError(outcome.reply))),
        (error: unknown) => {
          deps.onError("smtp auth", error);
          callback(replyError(REPLIES.authTemporary));
        },
      );
    },
    onMailFrom(address, session, callback) {
      submission.mailFrom(address.address, session).then(
        (outcome) => {
          if (outcome.ok) return callback();
          // A revoked session is over: it must not try again on this connection.
          if (outcome.reply === REPLIES.credentialRevoked) session.user = undefined;
          callback(replyError(outcome.reply));
        },
        (error: unknown) => {
          deps.onError("smtp mail from", error);
          callback(replyError(REPLIES.temporaryFailure));
        },
      );
    },
    onRcptTo(address, session, callback) {
      // Checked here rather than by smtp-server's own limit, whose reply has no enhanced status code.
      const wanted = address.address.toLowerCase();
      const repeated = session.envelope.rcptTo.some((r) => r.address.toLowerCase() === wanted);
      if (repeated) return callback();
      if (session.envelope.rcptTo.length >= maxRecipients) return callback(replyError(REPLIES.tooManyRecipients));
      const limited = submission.rcptTo(session);
      callback(limited.ok ? undefined : replyError(limited.reply));
    },
    onData(stream, session, callback) {
      submission.data(stream, session).then(
        (outcome) => (outcome.ok ? callback(null, outcome.reply) : callback(replyError(outcome.reply))),
        (error: unknown) => {
          deps.onError("smtp data", error);
          callback(replyError(REPLIES.temporaryFailure));
        },
      );
    },
  });

  const servers: SMTPServer[] = [];
  async function listen(secure: boolean, port: number): Promise<number> {
    const server = new SMTPServer(serverOptions(secure));
    // Failed handshakes and client resets arrive here; they are the client's problem, not a server fault.
    server.on("error", () => {});
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      const refuse = (error: unknown) => reject(new SmtpListenError(secure ? "smtps" : "smtp", port, { cause: error }));
      server.server.once("error", refuse);
      server.listen(port, options.host, () => {
        server.server.off("error", refuse);
        resolve();
      });
    });
    return (server.server.address() as AddressInfo).port;
  }

  /** The credential's sessions, or only those logged in with one password (a rotation's previous one). */
  function closeSessionsOf(credentialId: string, hashFingerprint: string | undefined) {
    for (const server of servers) {
      for (const connection of server.connections) {
        const grant = grantOf(connection.session);
        if (grant?.credentialId !== credentialId) continue;
        if (hashFingerprint !== undefined && grant.hashFingerprint !== hashFingerprint) continue;
        deps.telemetry.sessionClosedOnRevocation();
        connection.session.user = undefined;
        connection.send(...REPLIES.credentialRevoked);
      }
    }
  }
  const revoke = (revocation: AccessRevocation) => {
    if (revocation.kind === "credential") closeSessionsOf(revocation.credentialId, revocation.hashFingerprint);
  };
  /** A notice sent while LISTEN was down is lost: when it is back, every open session's login is checked at once. */
  async function checkOpenSessions(): Promise<void> {
    const claims = servers.flatMap((server) =>
      [...server.connections].flatMap((connection) => {
        const grant = grantOf(connection.session);
        return grant ? [{ kind: "credential" as const, ...grant }] : [];
      }),
    );
    if (claims.length === 0) return;
    for (const revocation of await deps.access.lapsed(claims)) revoke(revocation);
  }
  const stopListening = await deps.revocations.listen(revoke, () => {
    checkOpenSessions().catch((error: unknown) => deps.onError("smtp session check", error));
  });

  try {
    const port = await listen(false, options.port);
    const smtpsPort = options.smtpsPort === undefined ? undefined : await listen(true, options.smtpsPort);
    let closing: Promise<void> | undefined;
    return {
      port,
      smtpsPort,
      /** Stops accepting and lets open sessions finish within the close timeout. */
      close(): Promise<void> {
        closing ??= (async () => {
          // Stop accepting first; notices still matter to the sessions that are finishing.
          const closed = Promise.all(
            servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
          );
          await closed;
          await stopListening();
        })();
        return closing;
      },
    };
  } catch (error) {
    await stopListening();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    throw error;
  }
}

export type SmtpService = Awaited<ReturnType<typeof startSmtpService>>;
