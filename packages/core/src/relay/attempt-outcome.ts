import { domainToASCII } from "node:url";
import type { RecipientResult } from "@relaypost/db/schema";

/** What the upstream said to one attempt, in the terms nodemailer reports it. */
export type UpstreamAnswer =
  | { kind: "sent"; response: string; accepted: string[]; refused: RecipientRefusal[] }
  /** `responseCode` null: no verdict on the message (connection, TLS or AUTH failed); `response` then says why. */
  | { kind: "refused"; response: string | null; responseCode: number | null; refused: RecipientRefusal[] };

export interface RecipientRefusal {
  address: string;
  response: string;
  responseCode: number;
}

/** The message after an attempt: its recipients' states and the reply worth showing. */
export interface AttemptOutcome {
  recipients: RecipientResult[];
  reply: string | null;
}

const permanent = (code: number | null) => code !== null && code >= 500 && code < 600;

/**
 * An address as nodemailer may report it back: it sends an internationalized domain as punycode, so matching its
 * accepted and refused lists against the stored recipients compares ASCII domains, and ignores case.
 */
function addressKey(address: string): string {
  const at = address.lastIndexOf("@");
  if (at < 0) return address.toLowerCase();
  const domain = address.slice(at + 1);
  return `${address.slice(0, at).toLowerCase()}@${domainToASCII(domain) || domain.toLowerCase()}`;
}

/**
 * Applies an attempt's answer to the recipients it was for. Recipients the upstream refused one by one get their
 * own reply (5xx: failed, otherwise still pending); a reply to the whole transaction (MAIL FROM, DATA, the message)
 * applies to every recipient still pending, failing them only on a 5xx. No verdict (the connection failed, TLS or
 * AUTH could not be completed) leaves them pending: that is the operator's upstream to fix, not the message's fault,
 * as an MTA treats an unreachable next hop.
 */
export function applyAnswer(recipients: RecipientResult[], answer: UpstreamAnswer): AttemptOutcome {
  const refusals = new Map(answer.refused.map((r) => [addressKey(r.address), r]));
  const accepted = new Set(answer.kind === "sent" ? answer.accepted.map(addressKey) : []);
  const next = recipients.map((recipient): RecipientResult => {
    if (recipient.state !== "pending") return recipient;
    const refusal = refusals.get(addressKey(recipient.address));
    if (refusal) {
      return { ...recipient, state: permanent(refusal.responseCode) ? "failed" : "pending", reply: refusal.response };
    }
    if (answer.kind === "sent") {
      return accepted.has(addressKey(recipient.address))
        ? { ...recipient, state: "relayed", reply: answer.response }
        : recipient;
    }
    if (answer.responseCode === null) return { ...recipient, reply: answer.response ?? recipient.reply };
    return { ...recipient, state: permanent(answer.responseCode) ? "failed" : "pending", reply: answer.response };
  });
  const reply = answer.response ?? answer.refused.at(-1)?.response ?? null;
  return { recipients: next, reply };
}

export type MessageFate =
  | { status: "relayed"; recipients: RecipientResult[] }
  | { status: "failed"; recipients: RecipientResult[]; expired: boolean }
  | { status: "deferred"; recipients: RecipientResult[]; retryAt: Date };

/**
 * Where the message stands after an attempt. Recipients still pending are retried at `retryAt`, but never later than
 * the maximum age, so the last attempt happens at that age; a message that has reached it fails its pending
 * recipients with the last reply they got. With none pending, the message is relayed if the upstream took it for at
 * least one recipient (the others' refusals stay in their results), and failed otherwise.
 */
export function decideFate(
  recipients: RecipientResult[],
  { createdAt, now, maxAgeMs, retryAt }: { createdAt: Date; now: Date; maxAgeMs: number; retryAt: Date },
): MessageFate {
  const pending = recipients.some((r) => r.state === "pending");
  const expiresAt = createdAt.getTime() + maxAgeMs;
  const expired = pending && now.getTime() >= expiresAt;
  if (pending && !expired) {
    return { status: "deferred", recipients, retryAt: new Date(Math.min(retryAt.getTime(), expiresAt)) };
  }
  const settled = recipients.map((r): RecipientResult => (r.state === "pending" ? { ...r, state: "failed" } : r));
  if (settled.some((r) => r.state === "relayed")) return { status: "relayed", recipients: settled };
  return { status: "failed", recipients: settled, expired };
}

/**
 * Exponential backoff with jitter: about `baseMs` after the first attempt, doubling up to `capMs`, each delay drawn
 * between half and all of that so that messages deferred together do not all come back together.
 */
export function exponentialBackoff({ baseMs = 30_000, capMs = 60 * 60_000, random = Math.random } = {}) {
  return (attempts: number): number => {
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(ceiling / 2 + (ceiling / 2) * random());
  };
}
