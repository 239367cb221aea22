import { AUDIT_PAGE_SIZE_MAX, type AuditFilter } from "@relaypost/contract";
import type { ApiClient, Outputs } from "../../lib/api";
import { type CsvColumn, toCsv } from "../../lib/csv";
import { ACTION_TEXT } from "./actions";

export type AuditEntry = Outputs["auditLog"]["list"]["items"][number];

const ACTOR_TYPE_TEXT: Record<AuditEntry["actorType"], string> = {
  user: "member",
  api_key: "API key",
  system: "system",
};

/** What an export holds: the log as the page shows it, plus the raw names a script can match on. */
export const AUDIT_CSV_COLUMNS: CsvColumn<AuditEntry>[] = [
  { header: "Time", value: (e) => e.createdAt },
  { header: "Actor", value: (e) => e.actorLabel },
  { header: "Actor type", value: (e) => ACTOR_TYPE_TEXT[e.actorType] },
  { header: "Action", value: (e) => e.action },
  { header: "Description", value: (e) => ACTION_TEXT[e.action] },
  { header: "Target type", value: (e) => e.targetType },
  { header: "Target ID", value: (e) => e.targetId },
  { header: "Target", value: (e) => e.targetLabel },
  { header: "Address", value: (e) => e.remoteAddress },
  // The log never holds a secret (passwords and tokens are audited without them), so its details go out whole.
  { header: "Details", value: (e) => (Object.keys(e.metadata).length > 0 ? JSON.stringify(e.metadata) : "") },
];

/**
 * Every entry matching `filter`, read a largest page at a time; `onProgress` hears how many are read of how many
 * match. Entries recorded while it reads are not included, as they are newer than its first page.
 */
export async function readAllEntries(
  api: ApiClient,
  filter: AuditFilter,
  onProgress: (read: number, total: number) => void,
): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let cursor: number | null = null;
  do {
    const page: Outputs["auditLog"]["list"] = await api.auditLog.list.query({
      ...filter,
      cursor,
      limit: AUDIT_PAGE_SIZE_MAX,
    });
    entries.push(...page.items);
    onProgress(entries.length, Math.max(page.total, entries.length));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return entries;
}

export const auditCsv = (entries: readonly AuditEntry[]) => toCsv(entries, AUDIT_CSV_COLUMNS);

/** `audit-log-2026-12-02.csv`, by the local day of the export. */
export function exportFilename(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `audit-log-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.csv`;
}
