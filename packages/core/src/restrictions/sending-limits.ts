import type { SendingLimit, SendingLimits } from "@relaypost/contract";
import { type Database, schema, type Transaction } from "@relaypost/db";
import { eq, sql } from "drizzle-orm";

export type Period = "minute" | "hour" | "day";

/** Messages in the current window of each period. */
export type Usage = Record<Period, number>;

export interface LimitColumns {
  limitPerMinute: number | null;
  limitPerHour: number | null;
  limitPerDay: number | null;
  limitRecipientsPerMessage: number | null;
}

const PERIODS = [
  { period: "minute", limit: "perMinute", column: "limitPerMinute", ms: 60_000 },
  { period: "hour", limit: "perHour", column: "limitPerHour", ms: 3_600_000 },
  { period: "day", limit: "perDay", column: "limitPerDay", ms: 86_400_000 },
] as const;

const usage = schema.smtpCredentialUsage;

type Executor = Database | Transaction;

/** The limits as the API shows them: only those set. */
export function limitsOf(row: LimitColumns): SendingLimits {
  const limits: SendingLimits = {};
  for (const { limit, column } of PERIODS) if (row[column] !== null) limits[limit] = row[column];
  if (row.limitRecipientsPerMessage !== null) limits.recipientsPerMessage = row.limitRecipientsPerMessage;
  return limits;
}

/** The columns a limits input sets: every limit, absent ones cleared. */
export function limitColumns(limits: SendingLimits): LimitColumns {
  return {
    limitPerMinute: limits.perMinute ?? null,
    limitPerHour: limits.perHour ?? null,
    limitPerDay: limits.perDay ?? null,
    limitRecipientsPerMessage: limits.recipientsPerMessage ?? null,
  };
}

/** Fixed UTC windows: a minute, an hour or a day starting on its boundary (epoch milliseconds are UTC). */
const windowStart = (ms: number, at: Date) => new Date(Math.floor(at.getTime() / ms) * ms);

const countsMessages = (row: LimitColumns) => PERIODS.some(({ column }) => row[column] !== null);

/** The credential's messages in the current windows; only credentials with a per-period limit are counted. */
export async function readUsage(executor: Executor, credentialId: string, at: Date): Promise<Usage> {
  const rows = await executor.select().from(usage).where(eq(usage.credentialId, credentialId));
  const current: Usage = { minute: 0, hour: 0, day: 0 };
  for (const { period, ms } of PERIODS) {
    const row = rows.find((r) => r.period === period);
    if (row && row.windowStart.getTime() >= windowStart(ms, at).getTime()) current[period] = row.count;
  }
  return current;
}

export interface LimitBreach {
  limit: SendingLimit;
  max: number;
}

/** The first per-period limit the usage has reached, if any: one more message would pass it. */
export function periodLimitReached(row: LimitColumns, current: Usage): LimitBreach | undefined {
  for (const { period, limit, column } of PERIODS) {
    const max = row[column];
    if (max !== null && current[period] >= max) return { limit, max };
  }
  return undefined;
}

export function recipientLimitPassed(row: LimitColumns, recipients: number): LimitBreach | undefined {
  const max = row.limitRecipientsPerMessage;
  return max !== null && recipients > max ? { limit: "recipientsPerMessage", max } : undefined;
}

/**
 * Checks a message against the credential's limits and counts it when it passes, inside the intake transaction that
 * holds the credential's row lock: processes sharing a PostgreSQL database count one after another, so a limit
 * holds across all of them exactly. Returns the limit that refused the message, if one did.
 */
export async function countAgainstLimits(
  executor: Executor,
  credentialId: string,
  row: LimitColumns,
  recipients: number,
  at: Date,
): Promise<LimitBreach | undefined> {
  const tooMany = recipientLimitPassed(row, recipients);
  if (tooMany) return tooMany;
  if (!countsMessages(row)) return undefined;
  const reached = periodLimitReached(row, await readUsage(executor, credentialId, at));
  if (reached) return reached;
  await executor
    .insert(usage)
    .values(PERIODS.map(({ period, ms }) => ({ credentialId, period, windowStart: windowStart(ms, at), count: 1 })))
    .onConflictDoUpdate({
      target: [usage.credentialId, usage.period],
      // A process whose clock is behind never resets a newer window.
      set: {
        count: sql`case when excluded.window_start > smtp_credential_usage.window_start then 1 else smtp_credential_usage.count + 1 end`,
        windowStart: sql`greatest(excluded.window_start, smtp_credential_usage.window_start)`,
      },
    });
  return undefined;
}
