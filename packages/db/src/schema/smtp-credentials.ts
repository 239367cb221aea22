import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./columns";
import { organizations } from "./organizations";
import { users } from "./users";

export const smtpCredentials = pgTable(
  "smtp_credentials",
  {
    id: id(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** Public id carried inside the password; finds the credential at login without revealing the organization. */
    lookupId: text().notNull().unique(),
    username: text().notNull(),
    description: text().notNull().default(""),
    passwordHash: text().notNull(),
    active: boolean().notNull().default(true),
    lastUsedAt: timestamp({ withTimezone: true }),
    /** The client address and SASL mechanism of the login at `lastUsedAt`; null when it predates their recording. */
    lastUsedAddress: text(),
    lastUsedMethod: text(),
    messagesAccepted: bigint({ mode: "number" }).notNull().default(0),
    passwordChangedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The password before the last regenerate, still accepted until `previousPasswordExpiresAt` (opt-in overlap). */
    previousPasswordHash: text(),
    previousPasswordExpiresAt: timestamp({ withTimezone: true }),
    /** Lower-cased domains, `*.domain`s and addresses MAIL FROM and `From:` must match; empty allows any sender. */
    allowedSenders: text().array().notNull().default(sql`'{}'::text[]`),
    /** CIDR ranges the client address of a login must be in; empty allows any address. */
    allowedIps: text().array().notNull().default(sql`'{}'::text[]`),
    /** Logins at or after this time are refused; null never expires. */
    expiresAt: timestamp({ withTimezone: true }),
    /** When `credential.expired` was emitted for the current `expiresAt`; cleared when the expiry changes. */
    expiryAnnouncedAt: timestamp({ withTimezone: true }),
    /** Sending limits; null is none. Messages per fixed UTC minute, hour and day, and recipients per message. */
    limitPerMinute: integer(),
    limitPerHour: integer(),
    limitPerDay: integer(),
    limitRecipientsPerMessage: integer(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("smtp_credentials_org_username_key").on(t.organizationId, sql`lower(${t.username})`),
    // Failed logins whose password names no credential are attributed by username, across organizations.
    index("smtp_credentials_lower_username_idx").on(sql`lower(${t.username})`),
    index("smtp_credentials_org_created_idx").on(t.organizationId, t.createdAt.desc(), t.id.desc()),
    // The maintenance pass looks only for expiries not yet announced.
    index("smtp_credentials_unannounced_expiry_idx")
      .on(t.expiresAt)
      .where(sql`${t.expiresAt} is not null and ${t.expiryAnnouncedAt} is null`),
  ],
);

/**
 * Messages a credential had accepted in its current window of each period ("minute", "hour", "day"), counted by the
 * intake transaction while it holds the credential's row lock, so every process counts in turn.
 */
export const smtpCredentialUsage = pgTable(
  "smtp_credential_usage",
  {
    credentialId: uuid()
      .notNull()
      .references(() => smtpCredentials.id, { onDelete: "cascade" }),
    period: text().$type<"minute" | "hour" | "day">().notNull(),
    windowStart: timestamp({ withTimezone: true }).notNull(),
    count: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.credentialId, t.period] })],
);
