import { SENDING_LIMITS, type SendingLimit, type SendingLimits } from "@relaypost/contract";
import {
  allowedIpsProblem,
  allowedSendersProblem,
  fromLocalInput,
  parseLimit,
  parseRules,
  toLocalInput,
} from "./restrictions";

/** A credential's restrictions as typed into the form: everything text until it is checked. */
export interface RestrictionsDraft {
  allowedSenders: string;
  allowedIps: string;
  /** A `datetime-local` value; blank never expires. */
  expiresAt: string;
  limits: Record<SendingLimit, string>;
}

export interface Restrictions {
  allowedSenders: string[];
  allowedIps: string[];
  expiresAt: Date | null;
  limits: SendingLimits;
}

export type DraftField = "allowedSenders" | "allowedIps" | SendingLimit;

export const draftOf = (r: Restrictions): RestrictionsDraft => ({
  allowedSenders: r.allowedSenders.join("\n"),
  allowedIps: r.allowedIps.join("\n"),
  expiresAt: toLocalInput(r.expiresAt),
  limits: Object.fromEntries(SENDING_LIMITS.map((l) => [l, r.limits[l]?.toString() ?? ""])) as Record<
    SendingLimit,
    string
  >,
});

/**
 * The draft as the update to send, or what is wrong with it field by field (the server judges the rest). An expiry
 * left as shown keeps `saved`'s exact time: the input shows only whole minutes.
 */
export function checkDraft(
  draft: RestrictionsDraft,
  saved: Restrictions,
): { restrictions: Restrictions } | { problems: Partial<Record<DraftField, string>> } {
  const allowedSenders = parseRules(draft.allowedSenders);
  const allowedIps = parseRules(draft.allowedIps);
  const problems: Partial<Record<DraftField, string>> = {};
  const senders = allowedSendersProblem(allowedSenders);
  if (senders) problems.allowedSenders = senders;
  const ips = allowedIpsProblem(allowedIps);
  if (ips) problems.allowedIps = ips;
  const limits: SendingLimits = {};
  for (const limit of SENDING_LIMITS) {
    const parsed = parseLimit(draft.limits[limit]);
    if ("problem" in parsed) problems[limit] = parsed.problem;
    else if (parsed.value !== undefined) limits[limit] = parsed.value;
  }
  if (Object.keys(problems).length > 0) return { problems };
  const expiresAt =
    draft.expiresAt === toLocalInput(saved.expiresAt) ? saved.expiresAt : fromLocalInput(draft.expiresAt);
  return { restrictions: { allowedSenders, allowedIps, expiresAt, limits } };
}
