import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Recent login attempts per throttle key (a client address, a credential, an account), shared by every process on
 * one PostgreSQL. `attempts` maps an attempt's fingerprint (an HMAC under a per-process key, so nothing here can be
 * tested against a password) to when it was made, in epoch milliseconds.
 */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    key: text().primaryKey(),
    attempts: jsonb().$type<Record<string, number>>().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.updatedAt)],
);
