import { randomUUID } from "node:crypto";
import type { AuditAction } from "@relaypost/contract";
import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, systemActor } from "../actor";
import { newScope } from "../smtp-credentials/test-support";
import { type AuditQuery, listAudit, listAuditActors, recordAudit } from "./audit-log";

const DAY = 24 * 60 * 60 * 1000;
const START = Date.parse("2026-03-01T00:00:00Z");

describe("the audit log's filters", () => {
  let database: TestDatabase;
  let organizationId: string;
  let otherOrganizationId: string;
  const ada: Actor = { type: "user", id: randomUUID(), label: "ada@example.com", remoteAddress: "192.0.2.1" };
  const key: Actor = { type: "api_key", id: randomUUID(), label: "deploy bot", remoteAddress: "192.0.2.2" };

  /** One entry on day `day` after START, as `actor` did `action` to a credential named `label`. */
  async function entry(organization: string, actor: Actor, action: AuditAction, label: string, day: number) {
    const targetId = randomUUID();
    await recordAudit(database.db, {
      organizationId: organization,
      actor,
      action,
      targetType: "smtp_credential",
      targetId,
      targetLabel: label,
    });
    const [last] = await database.db
      .select({ id: schema.auditLog.id })
      .from(schema.auditLog)
      .where(eq(schema.auditLog.targetId, targetId));
    await database.db
      .update(schema.auditLog)
      .set({ createdAt: new Date(START + day * DAY) })
      .where(eq(schema.auditLog.id, last?.id ?? 0));
    return targetId;
  }

  const list = async (query: Partial<AuditQuery>, organization = organizationId) =>
    listAudit(database.db, organization, { limit: 50, ...query });
  const labels = async (query: Partial<AuditQuery>) => (await list(query)).items.map((e) => e.targetLabel);

  let billingId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    organizationId = (await newScope(database)).organizationId;
    otherOrganizationId = (await newScope(database)).organizationId;
    await entry(organizationId, ada, "credential.created", "rails_production", 0);
    billingId = await entry(organizationId, ada, "credential.created", "billing_app", 1);
    await entry(organizationId, key, "credential.deactivated", "rails_production", 2);
    await entry(organizationId, key, "credential.deleted", "rails_staging", 3);
    await entry(organizationId, systemActor("cli"), "api_key.revoked", "old key", 4);
    // Another organization, with the same actor, action and names: never in this one's answers.
    await entry(otherOrganizationId, ada, "credential.created", "rails_production", 2);
  });
  afterAll(() => database.destroy());

  it("lists everything newest first with the total when no filter is given", async () => {
    const page = await list({});
    expect(page.items.map((e) => e.targetLabel)).toEqual([
      "old key",
      "rails_staging",
      "rails_production",
      "billing_app",
      "rails_production",
    ]);
    expect(page.total).toBe(5);
  });

  it("narrows to one actor: a member, an API key, or the system", async () => {
    expect(await labels({ actor: `user:${ada.id}` })).toEqual(["billing_app", "rails_production"]);
    expect(await labels({ actor: `api_key:${key.id}` })).toEqual(["rails_staging", "rails_production"]);
    expect(await labels({ actor: "system" })).toEqual(["old key"]);
    // The id alone is not enough: a member's id named as an API key matches nothing.
    expect(await labels({ actor: `api_key:${ada.id}` })).toEqual([]);
  });

  it("narrows to any of the given actions", async () => {
    expect(await labels({ actions: ["credential.created"] })).toEqual(["billing_app", "rails_production"]);
    expect(await labels({ actions: ["credential.deleted", "api_key.revoked"] })).toEqual(["old key", "rails_staging"]);
  });

  it("finds a target by text in its label, ignoring case, or by its exact id", async () => {
    expect(await labels({ target: "RAILS_" })).toEqual(["rails_staging", "rails_production", "rails_production"]);
    expect(await labels({ target: billingId })).toEqual(["billing_app"]);
    // `_` and `%` are searched for as typed, not as wildcards.
    expect(await labels({ target: "rails%" })).toEqual([]);
    expect(await labels({ target: "s_p" })).toEqual(["rails_production", "rails_production"]);
  });

  it("narrows to a time range: since inclusive, until exclusive", async () => {
    const at = (day: number) => new Date(START + day * DAY);
    expect(await labels({ since: at(1), until: at(3) })).toEqual(["rails_production", "billing_app"]);
    expect(await labels({ since: at(4) })).toEqual(["old key"]);
    expect(await labels({ until: at(1) })).toEqual(["rails_production"]);
  });

  it("combines filters with AND, and counts what the combination matches", async () => {
    const page = await list({ actor: `api_key:${key.id}`, actions: ["credential.deactivated"], target: "rails" });
    expect(page.items.map((e) => e.targetLabel)).toEqual(["rails_production"]);
    expect(page.total).toBe(1);
    expect(await labels({ actor: `user:${ada.id}`, since: new Date(START + 2 * DAY) })).toEqual([]);
  });

  it("pages through a filter without skipping or repeating, the total the same on every page", async () => {
    const filter = { target: "rails", limit: 1 };
    const seen: (string | null)[] = [];
    let cursor: number | undefined;
    for (;;) {
      const page = await list({ ...filter, cursor });
      expect(page.total).toBe(3);
      seen.push(...page.items.map((e) => e.targetLabel));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(["rails_staging", "rails_production", "rails_production"]);
  });

  it("gives at most `limit` entries a page, its cursor at the last one shown, and no cursor on the last page", async () => {
    const first = await list({ limit: 2 });
    expect(first.items.map((e) => e.targetLabel)).toEqual(["old key", "rails_staging"]);
    expect(first.nextCursor).toBe(first.items[1]?.id);
    expect(first.total).toBe(5);
    const rest = await list({ limit: 3, cursor: first.nextCursor ?? undefined });
    expect(rest.items.map((e) => e.targetLabel)).toEqual(["rails_production", "billing_app", "rails_production"]);
    expect(rest.nextCursor).toBeNull();
    expect(rest.total).toBe(5);
  });

  it("records what RelayPost did itself as the system, under the label of the part that did it", async () => {
    const { organizationId: quiet } = await newScope(database);
    await recordAudit(database.db, {
      organizationId: quiet,
      actor: systemActor("expiry"),
      action: "credential.deactivated",
      targetType: "smtp_credential",
      targetLabel: "stale_app",
    });
    const page = await list({ actor: "system" }, quiet);
    expect(page.items).toMatchObject([
      { actorType: "system", actorLabel: "expiry", remoteAddress: null, targetLabel: "stale_app" },
    ]);
    expect(page.total).toBe(1);
  });

  it("keeps each organization's log to itself", async () => {
    const other = await list({ actor: `user:${ada.id}` }, otherOrganizationId);
    expect(other.items.map((e) => e.targetLabel)).toEqual(["rails_production"]);
    expect(other.total).toBe(1);
    expect((await listAuditActors(database.db, otherOrganizationId)).map((a) => a.actor)).toEqual([`user:${ada.id}`]);
  });

  it("names every actor once, with their latest label, members first", async () => {
    await entry(organizationId, { ...ada, label: "ada.lovelace@example.com" }, "credential.updated", "billing_app", 5);
    expect(await listAuditActors(database.db, organizationId)).toEqual([
      { actor: `user:${ada.id}`, type: "user", label: "ada.lovelace@example.com" },
      { actor: `api_key:${key.id}`, type: "api_key", label: "deploy bot" },
      { actor: "system", type: "system", label: "RelayPost (system)" },
    ]);
  });
});
