import type { Database } from "@relaypost/db";
import { queryRows } from "@relaypost/db";
import { sql } from "drizzle-orm";

export interface EventRetention {
  /** Events older than this are deleted. */
  maxAgeMs: number;
  /** Each organization keeps at most this many of its newest events other than refused logins. */
  maxPerOrganization: number;
  /** ...and, counted apart, at most this many of its newest refused logins, so they never evict the rest. */
  maxRejectedPerOrganization: number;
}

export const DEFAULT_EVENT_RETENTION: EventRetention = {
  maxAgeMs: 7 * 24 * 60 * 60 * 1000,
  maxPerOrganization: 100_000,
  maxRejectedPerOrganization: 20_000,
};

/** Deletes events past the retention bound; returns how many went. Safe to run on several processes at once. */
export async function pruneEvents(db: Database, retention: EventRetention = DEFAULT_EVENT_RETENTION): Promise<number> {
  const cutoff = new Date(Date.now() - retention.maxAgeMs).toISOString();
  const byAge = await queryRows<{ id: number }>(
    db,
    sql`delete from events where created_at < ${cutoff}::timestamptz returning id`,
  );
  // Refused logins are whatever a client chooses to send; ranked apart, they can only ever push out each other.
  const byCount = await queryRows<{ id: number }>(
    db,
    sql`delete from events e using (
          select id from (
            select id, type = 'auth.rejected' as rejected,
                   row_number() over (partition by organization_id, type = 'auth.rejected' order by id desc) as newest_first
            from events
          ) ranked
          where newest_first > case when rejected then ${retention.maxRejectedPerOrganization}::bigint
                                    else ${retention.maxPerOrganization}::bigint end
        ) old
        where e.id = old.id
        returning e.id`,
  );
  return byAge.length + byCount.length;
}
