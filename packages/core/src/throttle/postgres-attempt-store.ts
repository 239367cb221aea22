import { type Database, queryRows } from "@relaypost/db";
import { type SQL, sql } from "drizzle-orm";
import type { AttemptStore } from "./attempt-store";

const textArray = (values: readonly string[]) =>
  sql`array[${sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  )}]::text[]`;

/** The attempts in `column` still inside the window. */
const liveAttempts = (column: SQL, cutoff: number) =>
  sql`(select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
       from jsonb_each(${column}) e where (e.value)::bigint > ${cutoff}::bigint)`;

const countOf = (attempts: SQL) => sql`(select count(*) from jsonb_object_keys(${attempts}))::int`;

/**
 * Attempts in PostgreSQL, one row per key. A reservation first makes sure every key has a row, then in one statement
 * locks the rows, counts what is live, and adds the fingerprint with INSERT … ON CONFLICT DO UPDATE, which works on
 * each row's newest version under that lock. Reservations racing from several processes are therefore counted one
 * after another and a limit holds across all of them.
 *
 * Every statement takes its rows in key order, so two of them never wait on each other in a cycle. Rows are created
 * beforehand because a statement that locked the keys already kept and then inserted the new ones would take a new
 * key smaller than a kept one out of order, and two such reservations deadlock. For the same reason a cleared key keeps
 * its row, emptied: only pruning deletes rows, and only rows idle for a whole window.
 */
export function createPostgresAttemptStore(db: Database): AttemptStore {
  return {
    async reserve({ keys: unordered, fingerprint, cap, nowMs, windowMs }) {
      const keys = [...unordered].sort();
      const cutoff = nowMs - windowMs;
      const live = liveAttempts(sql`login_attempts.attempts`, cutoff);
      // The caller's clock, as for the attempts themselves, so pruning and counting agree.
      const stamp = sql`to_timestamp(${nowMs}::bigint / 1000.0)`;
      await db.execute(sql`insert into login_attempts (key, attempts, updated_at)
          select k, '{}'::jsonb, ${stamp} from unnest(${textArray(keys)}) as k order by k
          on conflict (key) do nothing`);
      return queryRows<{ key: string; before: number; after: number }>(
        db,
        sql`with locked as (
              select key, ${countOf(liveAttempts(sql`attempts`, cutoff))} as live
              from login_attempts where key = any(${textArray(keys)}) order by key for update
            )
            insert into login_attempts (key, attempts, updated_at)
            select k, jsonb_build_object(${fingerprint}::text, ${nowMs}::bigint), ${stamp}
            -- The join makes the rows locked and counted before anything is written.
            from unnest(${textArray(keys)}) as k left join locked on locked.key = k
            order by k
            on conflict (key) do update set
              attempts = case
                when ${live} ? ${fingerprint}::text or ${countOf(live)} < ${cap}::int
                  then ${live} || jsonb_build_object(${fingerprint}::text, ${nowMs}::bigint)
                else ${live}
              end,
              updated_at = ${stamp}
            returning key,
              coalesce((select live from locked where locked.key = login_attempts.key), 0) as before,
              ${countOf(sql`login_attempts.attempts`)} as after`,
      );
    },
    async forget(keys, fingerprint, clearKeys) {
      const kept = keys.filter((key) => !clearKeys.includes(key));
      await db.execute(sql`with locked as (
          select key from login_attempts where key = any(${textArray([...kept, ...clearKeys])}) order by key for update
        ), forgotten as (
          update login_attempts set attempts = attempts - ${fingerprint}::text
          where key in (select key from locked) and key = any(${textArray(kept)})
        )
        update login_attempts set attempts = '{}'::jsonb
        where key in (select key from locked) and key = any(${textArray(clearKeys)})`);
    },
    async list(prefix, nowMs, windowMs) {
      const rows = await queryRows<{ key: string; times: string[] }>(
        db,
        sql`select key, array(select (e.value)::bigint::text from jsonb_each(attempts) e
                              where (e.value)::bigint > ${nowMs - windowMs}::bigint ) as times
            from login_attempts where starts_with(key, ${prefix}::text)`,
      );
      return rows
        .map(({ key, times }) => ({ key, times: times.map(Number).sort((a, b) => a - b) }))
        .filter(({ times }) => times.length > 0);
    },
    async prune(nowMs, windowMs) {
      const rows = await queryRows<{ key: string }>(
        db,
        sql`delete from login_attempts where updated_at < ${new Date(nowMs - windowMs).toISOString()}::timestamptz
            returning key`,
      );
      return rows.length;
    },
  };
}
