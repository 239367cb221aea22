import { type Database, schema } from "@relaypost/db";
import { count, inArray } from "drizzle-orm";

const m = schema.smtpMessages;

/** Messages waiting for delivery by status (queued, deferred): the outbox depth the metrics report. */
export async function outboxDepth(db: Database): Promise<Record<"queued" | "deferred", number>> {
  const rows = await db
    .select({ status: m.status, messages: count() })
    .from(m)
    .where(inArray(m.status, ["queued", "deferred"]))
    .groupBy(m.status);
  const depth = { queued: 0, deferred: 0 };
  for (const row of rows) if (row.status === "queued" || row.status === "deferred") depth[row.status] = row.messages;
  return depth;
}
