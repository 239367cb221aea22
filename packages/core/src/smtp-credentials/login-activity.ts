import { LOGIN_ACTIVITY_DAYS } from "@relaypost/contract";
import { type Database, queryRows, schema } from "@relaypost/db";
import { and, eq, sql } from "drizzle-orm";
import { notFound } from "../errors";

/** Logins of one UTC day: accepted, and refused (for whatever reason, throttled included). */
export interface LoginDay {
  /** The UTC day, as YYYY-MM-DD. */
  day: string;
  accepted: number;
  refused: number;
}

export interface LoginActivity {
  days: LoginDay[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A credential's logins per UTC day over the last LOGIN_ACTIVITY_DAYS days, oldest first, days without any
 * included. Read from the organization's events: a refusal summarizing a window counts each refusal it stands for.
 */
export async function loginActivity(
  db: Database,
  organizationId: string,
  id: string,
  now: Date,
): Promise<LoginActivity> {
  const t = schema.smtpCredentials;
  const [credential] = await db
    .select({ id: t.id })
    .from(t)
    .where(and(eq(t.id, id), eq(t.organizationId, organizationId)));
  if (!credential) throw notFound("SMTP credential");
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const since = new Date(today - (LOGIN_ACTIVITY_DAYS - 1) * DAY_MS);
  const rows = await queryRows<{ day: string; accepted: string | number; refused: string | number }>(
    db,
    sql`select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day,
        count(*) filter (where type = 'auth.succeeded') as accepted,
        coalesce(sum(coalesce((data->>'count')::bigint, 1)) filter (where type = 'auth.rejected'), 0) as refused
      from events
      where organization_id = ${organizationId} and credential_id = ${id}
        and type in ('auth.succeeded', 'auth.rejected') and created_at >= ${since.toISOString()}::timestamptz
      group by 1`,
  );
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const days = Array.from({ length: LOGIN_ACTIVITY_DAYS }, (_, i) => {
    const day = new Date(since.getTime() + i * DAY_MS).toISOString().slice(0, 10);
    const row = byDay.get(day);
    return { day, accepted: Number(row?.accepted ?? 0), refused: Number(row?.refused ?? 0) };
  });
  return { days };
}
