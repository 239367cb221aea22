import { describe, expect, test } from "vitest";
import type { ApiClient } from "../../lib/api";
import { type AuditEntry, auditCsv, readAllEntries } from "./export";

const entry = (id: number): AuditEntry => ({
  id,
  actorType: "api_key",
  actorLabel: 'API key "deploy"',
  action: "credential.deleted",
  targetType: "smtp_credential",
  targetId: `target-${id}`,
  targetLabel: `=app_${id}`,
  remoteAddress: "192.0.2.1",
  metadata: {},
  createdAt: new Date(Date.UTC(2026, 2, 1, 12, 0, id)),
});

/** A log of `count` entries served `limit` at a time, as the API pages it; the inputs it was asked with. */
function fakeApi(count: number) {
  const asked: Array<Record<string, unknown>> = [];
  const all = Array.from({ length: count }, (_, i) => entry(count - i));
  const query = async (input: { cursor: number | null; limit: number }) => {
    asked.push(input);
    const rest = input.cursor === null ? all : all.filter((e) => e.id < (input.cursor ?? 0));
    const items = rest.slice(0, input.limit);
    return { items, nextCursor: rest.length > input.limit ? (items.at(-1)?.id ?? null) : null, total: count };
  };
  return { api: { auditLog: { list: { query } } } as unknown as ApiClient, asked };
}

describe("exporting the audit log", () => {
  test("reads every page of the filter, not only the first, and reports its progress", async () => {
    const { api, asked } = fakeApi(450);
    const progress: string[] = [];
    const entries = await readAllEntries(api, { target: "app" }, (read, total) => progress.push(`${read}/${total}`));
    expect(entries.map((e) => e.id)).toEqual(Array.from({ length: 450 }, (_, i) => 450 - i));
    expect(progress).toEqual(["200/450", "400/450", "450/450"]);
    expect(asked.every((input) => input.target === "app" && input.limit === 200)).toBe(true);
  });

  test("writes one line per entry, a formula-like target as text", () => {
    const lines = auditCsv([entry(1)])
      .trimEnd()
      .split("\r\n");
    expect(lines).toEqual([
      "Time,Actor,Actor type,Action,Description,Target type,Target ID,Target,Address,Details",
      `2026-03-01T12:00:01.000Z,"API key ""deploy""",API key,credential.deleted,Deleted SMTP credential,smtp_credential,target-1,'=app_1,192.0.2.1,`,
    ]);
  });
});
