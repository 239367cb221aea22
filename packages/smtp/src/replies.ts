import { NOT_RELAYED_NOTICE } from "@relaypost/contract";
import type { SMTPServerError } from "smtp-server";

/**
 * Every reply RelayPost chooses, with its enhanced status code written out. smtp-server passes an error's text to
 * the client verbatim, so nothing built from input or from an exception ever becomes a reply.
 */
export const REPLIES = {
  authInvalid: [535, "5.7.8 Authentication credentials invalid"],
  authTemporary: [454, "4.7.0 Temporary authentication failure"],
  authRequired: [530, "5.7.0 Authentication required"],
  throttled: [421, "4.7.0 Too many failed login attempts, try again later"],
  credentialRevoked: [421, "4.7.0 Credential no longer valid, closing connection"],
  messageTooBig: [552, "5.3.4 Message size exceeds fixed maximum message size"],
  headerTooLarge: [552, "5.3.4 Message header section exceeds the maximum header size"],
  tooManyRecipients: [452, "4.5.3 Too many recipients"],
  temporaryFailure: [451, "4.3.0 Temporary failure, try again later"],
  envelopeSenderNotAllowed: [550, "5.7.1 Sender address not in this credential's allowed senders"],
  headerSenderNotAllowed: [550, "5.7.1 From header address not in this credential's allowed senders"],
  rateLimited: [451, "4.7.1 Sending limit of this credential reached, try again later"],
  recipientsLimited: [451, "4.7.1 Recipients per message limit of this credential reached"],
} as const satisfies Record<string, readonly [number, string]>;

export type Reply = (typeof REPLIES)[keyof typeof REPLIES];

export function replyError([code, text]: Reply): SMTPServerError {
  const error: SMTPServerError = new Error(text);
  error.responseCode = code;
  return error;
}

export const queuedReply = (messageId: string) => `2.0.0 Ok: queued as ${messageId}`;

/** Without an upstream nothing is queued for delivery, and the reply must not say so. */
export const storedReply = (messageId: string) => `2.0.0 Ok: ${NOT_RELAYED_NOTICE} (id ${messageId})`;
