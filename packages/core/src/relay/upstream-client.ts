import type { Readable } from "node:stream";
import nodemailer from "nodemailer";
import type SMTPConnection from "nodemailer/lib/smtp-connection";
import type { RecipientRefusal, UpstreamAnswer } from "./attempt-outcome";
import type { ConnectionLimits, Upstream } from "./upstream";

export interface OutgoingMessage {
  mailFrom: string;
  rcptTo: string[];
  /** The message as stored: whole, or a stream of its segments. */
  raw: Buffer | Readable;
}

/** Bounds on one attempt, so a silent upstream costs a deferral, not a worker slot held past its lease. */
const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

function refusalsOf(errors: SMTPConnection.SMTPError[] | undefined): RecipientRefusal[] {
  return (errors ?? []).flatMap((error) => {
    const address = (error as { recipient?: unknown }).recipient;
    if (typeof address !== "string" || !error.response || !error.responseCode) return [];
    return [{ address, response: error.response, responseCode: error.responseCode }];
  });
}

/**
 * What a failed send means. Recipients refused one by one carry their own replies. A reply to the transaction is a
 * verdict on the message; AUTH and TLS failures are the operator's configuration, so like a lost connection they
 * give no verdict (`responseCode: null`) and the message waits for the upstream to be fixed.
 */
function refusedAnswer(error: unknown): UpstreamAnswer {
  const smtp = (error ?? {}) as SMTPConnection.SMTPError & { rejectedErrors?: SMTPConnection.SMTPError[] };
  const refused = refusalsOf(smtp.rejectedErrors);
  if (refused.length > 0) return { kind: "refused", response: null, responseCode: null, refused };
  const configuration = smtp.code === "EAUTH" || smtp.code === "ETLS";
  if (smtp.response && smtp.responseCode && !configuration) {
    return { kind: "refused", response: smtp.response, responseCode: smtp.responseCode, refused };
  }
  const response = smtp.response ?? `no reply from the upstream (${smtp.code ?? "connection failed"})`;
  return { kind: "refused", response, responseCode: null, refused };
}

/**
 * One pooled nodemailer SMTP transport to the upstream. The raw message is sent as stored, with the envelope
 * RelayPost accepted: nothing is re-encoded, and the Message-ID added at intake travels with it.
 */
export function createUpstreamClient(upstream: Upstream, limits: ConnectionLimits) {
  const transport = nodemailer.createTransport({ ...upstream.transportOptions(limits), ...TIMEOUTS });
  return {
    async send(message: OutgoingMessage): Promise<UpstreamAnswer> {
      try {
        const info = await transport.sendMail({
          envelope: { from: message.mailFrom, to: message.rcptTo },
          raw: message.raw,
        });
        const accepted = info.accepted.map(String);
        return { kind: "sent", response: info.response, accepted, refused: refusalsOf(info.rejectedErrors) };
      } catch (error) {
        return refusedAnswer(error);
      }
    },
    close(): void {
      transport.close();
    },
  };
}

export type UpstreamCheck = { ok: true } | { ok: false; stage: string; reply: string };

/**
 * Connects to the upstream as delivery would (TLS as configured, then AUTH when it has a login) and quits, for the
 * operator's "test connection": whether the upstream would take mail from this server, and if not, its reply.
 */
export async function checkUpstream(upstream: Upstream): Promise<UpstreamCheck> {
  const transport = nodemailer.createTransport({ ...upstream.connectionOptions(), ...TIMEOUTS });
  try {
    await transport.verify();
    return { ok: true };
  } catch (error) {
    const smtp = (error ?? {}) as SMTPConnection.SMTPError;
    return {
      ok: false,
      stage: smtp.command ?? "connection",
      reply: upstream.redact(smtp.response ?? `no reply from the upstream (${smtp.code ?? "connection failed"})`),
    };
  } finally {
    transport.close();
  }
}
