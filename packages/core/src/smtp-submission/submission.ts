import type { EventPublisher } from "../events/publisher";
import { senderAllowed } from "../restrictions/allowed-senders";
import type { SmtpGrant } from "../smtp-auth/grant";
import { CredentialStoreUnavailableError, type SmtpVerifier } from "../smtp-auth/verifier";
import type { IncomingMessage, IntakeRefusal, MessageIntake } from "./message-intake";

export type MailFromOutcome =
  | { kind: "allowed" }
  | { kind: "revoked" }
  | { kind: "sender_not_allowed" }
  | { kind: "unavailable" };

export type SubmissionOutcome =
  | { kind: "accepted"; messageId: string; status: "queued" | "stored" }
  | { kind: "revoked" }
  | { kind: "sender_not_allowed" };

export interface SmtpSubmissionDependencies {
  verifier: Pick<SmtpVerifier, "recheck">;
  intake: Pick<MessageIntake, "accept">;
  publisher: Pick<EventPublisher, "publish">;
}

/** What the session's transaction carries at MAIL FROM. */
export interface MailFromCommand {
  grant: SmtpGrant;
  mailFrom: string;
  remoteAddress: string | null;
}

/**
 * What an authenticated session may do: MAIL FROM re-checks its credential and restrictions, DATA stores and counts
 * the message (checking them again on the stored message).
 */
export function createSmtpSubmission({ verifier, intake, publisher }: SmtpSubmissionDependencies) {
  function rejected(command: MailFromCommand, refusal: Exclude<IntakeRefusal, { kind: "revoked" }>) {
    const { grant } = command;
    publisher.publish({
      organizationId: grant.organizationId,
      type: "message.rejected",
      credentialId: grant.credentialId,
      username: grant.username,
      remoteAddress: command.remoteAddress,
      data: { reason: refusal.kind, where: refusal.where, sender: refusal.sender },
    });
    return { kind: refusal.kind };
  }

  return {
    /** A session whose credential was revoked on any process submits nothing, notified or not (docs/architecture.md). */
    async mailFrom(command: MailFromCommand): Promise<MailFromOutcome> {
      let restrictions: Awaited<ReturnType<SmtpVerifier["recheck"]>>;
      try {
        restrictions = await verifier.recheck(command.grant, command.remoteAddress);
      } catch (error) {
        if (!(error instanceof CredentialStoreUnavailableError)) throw error;
        return { kind: "unavailable" };
      }
      if (!restrictions) return { kind: "revoked" };
      // Only the envelope is known yet; `From:` is checked at DATA, on the bytes that are stored.
      if (senderAllowed(restrictions.allowedSenders, command.mailFrom)) return { kind: "allowed" };
      return rejected(command, { kind: "sender_not_allowed", where: "envelope", sender: command.mailFrom });
    },
    /** Stores a message the session finished sending; a storage fault is thrown for the transport to report. */
    async submit(message: IncomingMessage): Promise<SubmissionOutcome> {
      const result = await intake.accept(message);
      if (!result.accepted) {
        return result.refusal.kind === "revoked" ? { kind: "revoked" } : rejected(message, result.refusal);
      }
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
