import { boolean, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { bytea, updatedAt } from "./columns";
import { organizations } from "./organizations";

/**
 * An organization's own upstream (smarthost), used instead of the server-wide RELAY_URL. The password is stored only
 * as AES-256-GCM ciphertext with its IV, auth tag and the id of the server key that sealed it; `version` changes with
 * every write, so delivery workers know when a pooled connection was opened with settings that are gone.
 */
export const organizationUpstreams = pgTable("organization_upstreams", {
  organizationId: uuid()
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  host: text().notNull(),
  port: integer().notNull(),
  /** starttls | implicit | none */
  tls: text().notNull(),
  tlsVerify: boolean().notNull(),
  username: text(),
  passwordCiphertext: bytea(),
  passwordIv: bytea(),
  passwordTag: bytea(),
  passwordKeyId: text(),
  /** A fresh id on every write (a cleared and re-set upstream never reuses one). */
  version: uuid().notNull().defaultRandom(),
  updatedAt: updatedAt(),
});
