import { z } from "zod";

// The schemas are marked pure so a bundle that uses only the constants (the dashboard) leaves zod out.

export const USERNAME_MIN_LENGTH = 4;
export const USERNAME_MAX_LENGTH = 50;
const USERNAME_CHARACTERS = "A-Za-z0-9_";
export const USERNAME_PATTERN = new RegExp(`^[${USERNAME_CHARACTERS}]{${USERNAME_MIN_LENGTH},${USERNAME_MAX_LENGTH}}$`);
/** Matches a character no username may contain: the rule a person typing most often breaks. */
export const USERNAME_FORBIDDEN_CHARACTER = new RegExp(`[^${USERNAME_CHARACTERS}]`);
export const USERNAME_RULES = `${USERNAME_MIN_LENGTH}–${USERNAME_MAX_LENGTH} characters: letters, numbers and underscores only`;

/** A username a person chose, trimmed; blank means "generate one". */
export const requestedUsernameSchema = /* @__PURE__ */ z
  .string()
  .trim()
  .refine((username) => username === "" || USERNAME_PATTERN.test(username), `Username must be ${USERNAME_RULES}`);

export const DESCRIPTION_MAX_LENGTH = 500;

/** A credential's description, trimmed, then limited. */
export const descriptionSchema = /* @__PURE__ */ z
  .string()
  .trim()
  .max(DESCRIPTION_MAX_LENGTH, `Description must be at most ${DESCRIPTION_MAX_LENGTH} characters`);

export const ALLOWED_SENDERS_MAX = 100;
const DOMAIN_LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const DOMAIN = `${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})+`;
const LOCAL_PART = "[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*";
/** `example.com` (that domain), `*.example.com` (it and every subdomain) or `app@example.com` (that address). */
export const ALLOWED_SENDER_PATTERN = new RegExp(`^(?:\\*\\.${DOMAIN}|${DOMAIN}|${LOCAL_PART}@${DOMAIN})$`);

/** One allowed-sender rule, lower-cased: addresses match case-insensitively. */
export const allowedSenderSchema = /* @__PURE__ */ z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "An allowed sender must be at most 254 characters")
  .refine(
    (rule) => ALLOWED_SENDER_PATTERN.test(rule),
    "Must be a domain (example.com), a domain with its subdomains (*.example.com) or an address (app@example.com)",
  );

/** A credential's allowed senders; empty means any sender. Duplicates are dropped. */
export const allowedSendersSchema = /* @__PURE__ */ z
  .array(allowedSenderSchema)
  .max(ALLOWED_SENDERS_MAX, `At most ${ALLOWED_SENDERS_MAX} allowed senders`)
  .transform((rules) => [...new Set(rules)]);

/** Longest a regenerated credential's previous password may stay valid: 7 days. */
export const PASSWORD_OVERLAP_MAX_SECONDS = 604_800;

/** How long the previous password keeps working after a regenerate; 0 (the default) ends it at once. */
export const keepPreviousForSecondsSchema = /* @__PURE__ */ z
  .number()
  .int("Must be a whole number of seconds")
  .min(0, "Must not be negative")
  .max(PASSWORD_OVERLAP_MAX_SECONDS, "The previous password can stay valid for at most 7 days")
  .default(0);

/** The sending limits a credential can have; each is optional (absent: no limit). */
export const SENDING_LIMITS = ["perMinute", "perHour", "perDay", "recipientsPerMessage"] as const;
export type SendingLimit = (typeof SENDING_LIMITS)[number];
export const SENDING_LIMIT_MAX = 10_000_000;

const limitSchema = /* @__PURE__ */ z
  .number()
  .int("A limit must be a whole number")
  .min(1, "A limit must be at least 1")
  .max(SENDING_LIMIT_MAX, `A limit must be at most ${SENDING_LIMIT_MAX.toLocaleString("en")}`);

/**
 * Messages per minute, hour and day (fixed UTC windows) and recipients per message. Written out rather than inferred
 * from the schema, so declarations that name it (the typed client's) need no zod.
 */
export interface SendingLimits {
  perMinute?: number | undefined;
  perHour?: number | undefined;
  perDay?: number | undefined;
  recipientsPerMessage?: number | undefined;
}

export const sendingLimitsSchema = /* @__PURE__ */ z.strictObject({
  perMinute: /* @__PURE__ */ limitSchema.optional(),
  perHour: /* @__PURE__ */ limitSchema.optional(),
  perDay: /* @__PURE__ */ limitSchema.optional(),
  recipientsPerMessage: /* @__PURE__ */ limitSchema.optional(),
}) satisfies z.ZodType<SendingLimits>;

/** When logins stop being accepted; null never. A time already past expires the credential at once. */
export const expiresAtSchema = /* @__PURE__ */ z.date().nullable();

/** How far ahead the dashboard warns of a coming expiry. */
export const EXPIRY_WARNING_MS = 7 * 24 * 60 * 60 * 1000;

export const ALLOWED_IPS_MAX = 100;
const CIDR_MESSAGE = "Must be an IP address or CIDR range, such as 203.0.113.0/24 or 2001:db8::/32";
const cidrSchema = /* @__PURE__ */ z.union([z.cidrv4(), z.cidrv6()], { error: CIDR_MESSAGE });

/** One allowed range, IPv4 or IPv6; a single address is taken as its own range (/32, /128). */
export const allowedIpSchema = /* @__PURE__ */ z
  .string()
  .trim()
  .toLowerCase()
  .max(50, CIDR_MESSAGE)
  .transform((range) => (range.includes("/") ? range : `${range}/${range.includes(":") ? 128 : 32}`))
  .pipe(cidrSchema);

/** The client addresses a credential may log in from; empty means any. Duplicates are dropped. */
export const allowedIpsSchema = /* @__PURE__ */ z
  .array(allowedIpSchema)
  .max(ALLOWED_IPS_MAX, `At most ${ALLOWED_IPS_MAX} allowed IP ranges`)
  .transform((ranges) => [...new Set(ranges)]);

/** Days (today included, in UTC) a credential's login activity covers; within the events' 7-day retention. */
export const LOGIN_ACTIVITY_DAYS = 7;
