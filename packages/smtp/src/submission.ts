import type { SmtpSubmission, Telemetry } from "@relaypost/core";
import type { SMTPServerDataStream, SMTPServerSession } from "smtp-server";
import { queuedReply, REPLIES, type Reply, storedReply } from "./replies";
import { grantOf } from "./session";

export interface SubmissionDependencies {
  submission: Pick<SmtpSubmission, "mailFrom" | "submit" | "recipientRefused">;
  telemetry: Pick<Telemetry, "message">;
  maxMessageBytes: number;
  onError: (where: string, error: unknown) => void;
}

export type SubmissionOutcome = { ok: true; reply?: string } | { ok: false; reply: Reply };

const MAIL_FROM_REPLIES = {
  allowed: { ok: true },
  revoked: { ok: false, reply: REPLIES.credentialRevoked },
  sender_not_allowed: { ok: false, reply: REPLIES.envelopeSenderNotAllowed },
  rate_limited: { ok: false, reply: REPLIES.rateLimited },
  unavailable: { ok: false, reply: REPLIES.authTemporary },
} as const satisfies Record<string, SubmissionOutcome>;

const DATA_REFUSALS = {
  revoked: REPLIES.credentialRevoked,
  too_big: REPLIES.messageTooBig,
  header_too_large: REPLIES.headerTooLarge,
  sender_not_allowed: REPLIES.headerSenderNotAllowed,
  rate_limited: REPLIES.rateLimited,
} as const satisfies Record<string, Reply>;

/** An authenticated session's MAIL FROM and DATA, handed to core's submission use case and answered. */
export function createSubmission(deps: SubmissionDependencies) {
  const { submission, telemetry } = deps;
  // The credential's recipient limit as the transaction's MAIL FROM read it; RCPT TO answers from it.
  const recipientLimits = new WeakMap<SMTPServerSession, number>();

  return {
    async mailFrom(address: string, session: SMTPServerSession): Promise<SubmissionOutcome> {
      const grant = grantOf(session);
      if (!grant) return { ok: false, reply: REPLIES.authRequired };
      const outcome = await submission.mailFrom({ grant, mailFrom: address, remoteAddress: session.remoteAddress });
      if (outcome.kind === "allowed" && outcome.recipientsPerMessage !== null) {
        recipientLimits.set(session, outcome.recipientsPerMessage);
      } else recipientLimits.delete(session);
      return MAIL_FROM_REPLIES[outcome.kind];
    },

    /** One more recipient, when the transaction has as many as the credential allows: refused, and reported. */
    rcptTo(session: SMTPServerSession): SubmissionOutcome {
      const max = recipientLimits.get(session);
      const grant = grantOf(session);
      if (max === undefined || !grant || session.envelope.rcptTo.length < max) return { ok: true };
      submission.recipientRefused({ grant, remoteAddress: session.remoteAddress }, max);
      return { ok: false, reply: REPLIES.recipientsLimited };
    },

    async data(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<SubmissionOutcome> {
      const grant = grantOf(session);
      const envelope = session.envelope;
      if (!grant || !envelope.mailFrom) {
        stream.resume();
        return { ok: false, reply: REPLIES.authRequired };
      }
      try {
        // Core stores the body segment by segment as it arrives, and drains what is past the size limit.
        const result = await submission.submit({
          grant,
          mailFrom: envelope.mailFrom.address,
          rcptTo: envelope.rcptTo.map((r) => r.address),
          body: stream,
          maxBytes: deps.maxMessageBytes,
          remoteAddress: session.remoteAddress,
        });
        if (result.kind !== "accepted") {
          telemetry.message("refused");
          return { ok: false, reply: DATA_REFUSALS[result.kind] };
        }
        telemetry.message("accepted");
        const reply = result.status === "queued" ? queuedReply(result.messageId) : storedReply(result.messageId);
        return { ok: true, reply };
      } catch (error) {
        deps.onError("storing a message", error);
        return { ok: false, reply: REPLIES.temporaryFailure };
      }
    },
  };
}
