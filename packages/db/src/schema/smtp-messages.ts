import { customType, index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id } from "./columns";
import { organizations } from "./organizations";
import { smtpCredentials } from "./smtp-credentials";

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => Buffer.from(value),
});

/** Messages accepted over SMTP, kept for a bounded time. */
export const smtpMessages = pgTable(
  "smtp_messages",
  {
    id: id(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    credentialId: uuid().references(() => smtpCredentials.id, { onDelete: "set null" }),
    mailFrom: text().notNull(),
    rcptTo: jsonb().$type<string[]>().notNull(),
    size: integer().notNull(),
    raw: bytea().notNull(),
    remoteAddress: text(),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.organizationId, t.createdAt), index().on(t.createdAt), index().on(t.credentialId)],
);
