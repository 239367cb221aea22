import { type Database, queryRows, schema } from "@relaypost/db";
import { sql } from "drizzle-orm";
import { appendEvents } from "../events/store";
import { announceRevocation } from "../identity/revocation";

const t = schema.smtpCredentials;

interface ExpiredRow extends Record<string, unknown> {
  id: string;
  organizationId: string;
  username: string;
  active: boolean;
}

/**
 * Emits `credential.expired` once for every credential whose expiry has come, and ends its open sessions. Logins are
 * refused from the expiry itself (the login path compares the time it reads); this only tells the organization, at
 * the next maintenance pass. Claiming the rows with one UPDATE means concurrent passes never announce one twice.
 */
export async function announceExpiries(db: Database, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    // Raw SQL: drizzle's update would bump updated_at, which records edits by people, not the passing of time.
    const expired = await queryRows<ExpiredRow>(
      tx,
      sql`update ${t} set expiry_announced_at = ${now.toISOString()}::timestamptz
          where ${t.expiresAt} is not null and ${t.expiresAt} <= ${now.toISOString()}::timestamptz
            and ${t.expiryAnnouncedAt} is null
          returning id, organization_id as "organizationId", username, active`,
    );
    await appendEvents(
      tx,
      expired.map((row) => ({
        organizationId: row.organizationId,
        type: "credential.expired" as const,
        credentialId: row.id,
        username: row.username,
        remoteAddress: null,
        data: { actor: "expiry", active: row.active },
      })),
    );
    for (const row of expired) await announceRevocation(tx, { kind: "credential", credentialId: row.id });
    return expired.length;
  });
}
