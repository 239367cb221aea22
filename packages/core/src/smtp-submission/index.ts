export type { IncomingMessage } from "./message-intake";
export type { MailFromOutcome, SmtpSubmission, SubmissionOutcome } from "./submission";
