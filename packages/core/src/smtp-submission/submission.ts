import type { EventPublisher } from "../events/publisher";
import { senderAllowed } from "../restrictions/allowed-senders";
import { periodLimitReached } from "../restrictions/sending-limits";
import type { SmtpGrant } from "../smtp-auth/grant";
import { CredentialStoreUnavailableError, type SmtpVerifier } from "../smtp-auth/verifier";
import type { IncomingMessage, IntakeRefusal, MessageIntake } from "./message-intake";

export type MailFromOutcome =
  /** `recipientsPerMessage`: the most recipients this transaction may have, when the credential limits it. */
  | { kind: "allowed"; recipientsPerMessage: number | null }
  | { kind: "revoked" }
  | { kind: "sender_not_allowed" }
  | { kind: "rate_limited" }
  | { kind: "unavailable" };

export type SubmissionOutcome =
  | { kind: "accepted"; messageId: string; status: "queued" | "stored" }
  | { kind: "revoked" }
  | { kind: "sender_not_allowed" }
  | { kind: "rate_limited" }
  /** Larger than the message size limit. */
  | { kind: "too_big" }
  /** A header section too long to check (message-body.ts). */
  | { kind: "header_too_large" };

export interface SmtpSubmissionDependencies {
  verifier: Pick<SmtpVerifier, "recheck">;
  intake: Pick<MessageIntake, "accept" | "usage">;
  publisher: Pick<EventPublisher, "publish">;
}

/** What the session's transaction carries at MAIL FROM. */
export interface MailFromCommand {
  grant: SmtpGrant;
  mailFrom: string;
  remoteAddress: string | null;
}

/** What is refused with an event: a restriction of the credential. */
type Rejection = Extract<IntakeRefusal, { kind: "sender_not_allowed" | "rate_limited" }>;

/**
 * What an authenticated session may do: MAIL FROM re-checks its credential and restrictions, DATA stores and counts
 * the message (checking them again on the stored message).
 */
export function createSmtpSubmission({ verifier, intake, publisher }: SmtpSubmissionDependencies) {
  function rejected(command: Omit<MailFromCommand, "mailFrom">, refusal: Rejection) {
    const { grant } = command;
    publisher.publish({
      organizationId: grant.organizationId,
      type: "message.rejected",
      credentialId: grant.credentialId,
      username: grant.username,
      remoteAddress: command.remoteAddress,
      data:
        refusal.kind === "rate_limited"
          ? { reason: refusal.kind, limit: refusal.limit, max: refusal.max }
          : { reason: refusal.kind, where: refusal.where, sender: refusal.sender },
    });
    return { kind: refusal.kind };
  }

  async function check(command: MailFromCommand): Promise<MailFromOutcome> {
    const restrictions = await verifier.recheck(command.grant, command.remoteAddress);
    if (!restrictions) return { kind: "revoked" };
    // Only the envelope is known yet; `From:` is checked at DATA, on the bytes that are stored.
    if (!senderAllowed(restrictions.allowedSenders, command.mailFrom)) {
      return rejected(command, { kind: "sender_not_allowed", where: "envelope", sender: command.mailFrom });
    }
    const limited = restrictions.limitPerMinute ?? restrictions.limitPerHour ?? restrictions.limitPerDay;
    // A credential at its limit is told before it sends the message; DATA counts it for good.
    const reached =
      limited === null ? undefined : periodLimitReached(restrictions, await intake.usage(command.grant.credentialId));
    if (reached) return rejected(command, { kind: "rate_limited", ...reached });
    return { kind: "allowed", recipientsPerMessage: restrictions.limitRecipientsPerMessage };
  }

  return {
    /** A session whose credential was revoked on any process submits nothing, notified or not (docs/architecture.md). */
    async mailFrom(command: MailFromCommand): Promise<MailFromOutcome> {
      try {
        return await check(command);
      } catch (error) {
        if (!(error instanceof CredentialStoreUnavailableError)) throw error;
        return { kind: "unavailable" };
      }
    },
    /** A recipient past the credential's limit, refused by the transport with the limit MAIL FROM gave it. */
    recipientRefused(command: Omit<MailFromCommand, "mailFrom">, max: number): void {
      rejected(command, { kind: "rate_limited", limit: "recipientsPerMessage", max });
    },
    /**
     * Stores a message the session finished sending, its `message.accepted` event committed with it; a storage fault
     * is thrown for the transport to report.
     */
    async submit(message: IncomingMessage): Promise<SubmissionOutcome> {
      const result = await intake.accept(message);
      if (!result.accepted) {
        const { refusal } = result;
        return refusal.kind === "sender_not_allowed" || refusal.kind === "rate_limited"
          ? rejected(message, refusal)
          : { kind: refusal.kind };
      }
      return { kind: "accepted", messageId: result.messageId, status: result.status };
    },
  };
}

export type SmtpSubmission = ReturnType<typeof createSmtpSubmission>;
