import type { EventPublisher } from "../events/publisher";
import type { SmtpGrant } from "../smtp-auth/grant";
import { CredentialStoreUnavailableError, type SmtpVerifier } from "../smtp-auth/verifier";
import type { IncomingMessage, MessageIntake } from "./message-intake";

export type MailFromOutcome = { kind: "allowed" } | { kind: "revoked" } | { kind: "unavailable" };

export type SubmissionOutcome =
  | { kind: "accepted"; messageId: string; status: "queued" | "stored" }
  | { kind: "revoked" };

export interface SmtpSubmissionDependencies {
  verifier: Pick<SmtpVerifier, "stillValid">;
  intake: Pick<MessageIntake, "accept">;
  publisher: Pick<EventPublisher, "publish">;
}

/** What an authenticated session may do: MAIL FROM re-checks its credential, DATA stores and counts the message. */
export function createSmtpSubmission({ verifier, intake, publisher }: SmtpSubmissionDependencies) {
  return {
    /** A session whose credential was revoked on any process submits nothing, notified or not (docs/architecture.md). */
    async mailFrom(grant: SmtpGrant): Promise<MailFromOutcome> {
      try {
        return (await verifier.stillValid(grant)) ? { kind: "allowed" } : { kind: "revoked" };
      } catch (error) {
        if (!(error instanceof CredentialStoreUnavailableError)) throw error;
        return { kind: "unavailable" };
      }
    },

    /** Stores a message the session finished sending; a storage fault is thrown for the transport to report. */
    async submit(message: IncomingMessage): Promise<SubmissionOutcome> {
      const result = await intake.accept(message);
      if (!result.accepted) return { kind: "revoked" };
      const { grant } = message;
      publisher.publish({
        organizationId: grant.organizationId,
        type: "message.accepted",
        credentialId: grant.credentialId,
        username: grant.username,
        remoteAddress: message.remoteAddress,
        data: {
          messageId: result.messageId,
          size: result.size,
          recipients: message.rcptTo.length,
          status: result.status,
        },
      });
      return { kind: "accepted", messageId: result.messageId, status: result.status };
    },
  };
}

export type SmtpSubmission = ReturnType<typeof createSmtpSubmission>;
