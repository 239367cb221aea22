import {
  CredentialStoreUnavailableError,
  type EventPublisher,
  type MessageIntake,
  type SmtpVerifier,
} from "@relaypost/core";
import type { SMTPServerDataStream, SMTPServerSession } from "smtp-server";
import type { SmtpMetrics } from "./metrics";
import { queuedReply, REPLIES, type Reply } from "./replies";
import { grantOf } from "./session";

export interface SubmissionDependencies {
  verifier: SmtpVerifier;
  intake: MessageIntake;
  publisher: Pick<EventPublisher, "publish">;
  metrics: SmtpMetrics;
  maxMessageBytes: number;
  onError: (where: string, error: unknown) => void;
}

export type SubmissionOutcome = { ok: true; reply?: string } | { ok: false; reply: Reply };

/** What an authenticated session may do: MAIL FROM re-checks its credential, DATA stores and counts the message. */
export function createSubmission(deps: SubmissionDependencies) {
  const { verifier, intake, metrics } = deps;

  return {
    /**
     * A session whose credential was revoked on any process submits nothing, notified or not (see Revocation in
     * docs/architecture.md).
     */
    async mailFrom(session: SMTPServerSession): Promise<SubmissionOutcome> {
      const grant = grantOf(session);
      if (!grant) return { ok: false, reply: REPLIES.authRequired };
      try {
        return (await verifier.stillValid(grant)) ? { ok: true } : { ok: false, reply: REPLIES.credentialRevoked };
      } catch (error) {
        if (!(error instanceof CredentialStoreUnavailableError)) throw error;
        return { ok: false, reply: REPLIES.authTemporary };
      }
    },

    async data(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<SubmissionOutcome> {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        // Past the limit the rest is only drained, so an oversized message never sits in memory.
        if (size <= deps.maxMessageBytes) chunks.push(chunk);
      }
      if (stream.sizeExceeded || size > deps.maxMessageBytes) return { ok: false, reply: REPLIES.messageTooBig };
      const grant = grantOf(session);
      const envelope = session.envelope;
      if (!grant || !envelope.mailFrom) return { ok: false, reply: REPLIES.authRequired };
      try {
        const result = await intake.accept({
          grant,
          mailFrom: envelope.mailFrom.address,
          rcptTo: envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks, size),
          remoteAddress: session.remoteAddress,
        });
        if (!result.accepted) {
          metrics.messagesRefused++;
          return { ok: false, reply: REPLIES.credentialRevoked };
        }
        metrics.messagesAccepted++;
        deps.publisher.publish({
          organizationId: grant.organizationId,
          type: "message.accepted",
          credentialId: grant.credentialId,
          username: grant.username,
          remoteAddress: session.remoteAddress,
          data: { messageId: result.messageId, size, recipients: envelope.rcptTo.length },
        });
        return { ok: true, reply: queuedReply(result.messageId) };
      } catch (error) {
        deps.onError("storing a message", error);
        return { ok: false, reply: REPLIES.temporaryFailure };
      }
    },
  };
}

export type Submission = ReturnType<typeof createSubmission>;
