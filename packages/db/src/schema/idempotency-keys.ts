import { index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { bytea, createdAt } from "./columns";
import { organizations } from "./organizations";

/**
 * The answer to a create made with an Idempotency-Key, so a retry gets that answer again instead of a second
 * credential. A key is the caller's own: `scope` is who asked (`user:<id>` or `api_key:<id>`) in the organization.
 * The answer holds a one-time secret, so it is stored only as AES-256-GCM ciphertext (as upstream passwords are);
 * `fingerprint` (SHA-256 of the operation and its validated input) tells a retry from another request reusing the key.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    scope: text().notNull(),
    key: text().notNull(),
    operation: text().notNull(),
    fingerprint: text().notNull(),
    responseCiphertext: bytea().notNull(),
    responseIv: bytea().notNull(),
    responseTag: bytea().notNull(),
    responseKeyId: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.scope, t.key] }), index().on(t.createdAt)],
);
