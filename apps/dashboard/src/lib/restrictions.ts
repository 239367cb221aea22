import {
  ALLOWED_IPS_MAX,
  ALLOWED_SENDER_PATTERN,
  ALLOWED_SENDERS_MAX,
  EXPIRY_WARNING_MS,
  PASSWORD_OVERLAP_MAX_SECONDS,
  SENDING_LIMIT_MAX,
  type SendingLimit,
} from "@relaypost/contract";

// Checks here use the contract's constants, never its zod schemas: those would put zod in the dashboard bundle.
// What only the server can judge (CIDR ranges) comes back as its field error.

/** One rule per line or comma, blanks dropped. */
export const parseRules = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((rule) => rule.trim())
    .filter((rule) => rule !== "");

export function allowedSendersProblem(rules: string[]): string | undefined {
  if (rules.length > ALLOWED_SENDERS_MAX) return `At most ${ALLOWED_SENDERS_MAX} allowed senders`;
  const bad = rules.find((rule) => !ALLOWED_SENDER_PATTERN.test(rule.toLowerCase()));
  return bad === undefined
    ? undefined
    : `“${bad}” is not a domain (example.com), a domain with its subdomains (*.example.com) or an address (app@example.com)`;
}

export const allowedIpsProblem = (ranges: string[]): string | undefined =>
  ranges.length > ALLOWED_IPS_MAX ? `At most ${ALLOWED_IPS_MAX} allowed IP ranges` : undefined;

/** A typed limit: blank is no limit, else a whole number from 1 to SENDING_LIMIT_MAX. */
export function parseLimit(text: string): { value: number | undefined } | { problem: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { value: undefined };
  const value = Number(trimmed);
  if (!Number.isInteger(value)) return { problem: "A limit must be a whole number" };
  if (value < 1) return { problem: "A limit must be at least 1" };
  if (value > SENDING_LIMIT_MAX)
    return { problem: `A limit must be at most ${SENDING_LIMIT_MAX.toLocaleString("en")}` };
  return { value };
}

export const LIMIT_LABELS: Record<SendingLimit, string> = {
  perMinute: "Messages per minute",
  perHour: "Messages per hour",
  perDay: "Messages per day",
  recipientsPerMessage: "Recipients per message",
};

/** The usage window a limit counts in; recipients per message is checked per message and has none. */
export const LIMIT_PERIOD = { perMinute: "minute", perHour: "hour", perDay: "day" } as const;
export type Period = (typeof LIMIT_PERIOD)[keyof typeof LIMIT_PERIOD];

/** How much of a limit is used, 0–100 (a window can briefly hold more than its limit allowed through). */
export const usagePercent = (used: number, limit: number): number => Math.min(100, Math.round((used / limit) * 100));

export type ExpiryState = "none" | "valid" | "soon" | "expired";

/** Expired at or after `expiresAt`; "soon" within EXPIRY_WARNING_MS of it. */
export function expiryState(expiresAt: Date | null, now: number): ExpiryState {
  if (expiresAt === null) return "none";
  const left = expiresAt.getTime() - now;
  if (left <= 0) return "expired";
  return left <= EXPIRY_WARNING_MS ? "soon" : "valid";
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The value a `datetime-local` input shows for `date`, in the browser's time zone, to the minute. */
export const toLocalInput = (date: Date | null): string =>
  date === null
    ? ""
    : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;

/** A `datetime-local` value read in the browser's time zone; blank (or unreadable) is null, never expires. */
export function fromLocalInput(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi);
}

/** How long a regenerate may keep the previous password working; the first (none) is the default. */
export const OVERLAP_CHOICES: { seconds: number; label: string }[] = [
  { seconds: 0, label: "No: it stops working at once" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 86_400, label: "1 day" },
  { seconds: 3 * 86_400, label: "3 days" },
  { seconds: PASSWORD_OVERLAP_MAX_SECONDS, label: "7 days (the longest)" },
];

/** The previous password's overlap while it lasts, else null. */
export const liveOverlap = (until: Date | null, now: number): Date | null =>
  until !== null && until.getTime() > now ? until : null;
