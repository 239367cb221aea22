import { randomUUID } from "node:crypto";
import { queryRows } from "@relaypost/db";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { systemActor } from "../actor";
import { slugify } from "./organizations";
import { auditEntries, useCore } from "./test-support";

describe("the operator's view of organizations and users", () => {
  const t = useCore();

  it("lists every organization by name, whoever owns it", async () => {
    const zeta = await t.core.organizations.create({
      name: "Zeta Ops",
      owner: { email: "zeta@ops.test", password: "zeta-password-1" },
    });
    const alpha = await t.core.organizations.create({
      name: "Alpha Ops",
      owner: { email: "alpha@ops.test", password: "alpha-password-1" },
    });
    const listed = await t.core.organizations.list();
    expect(listed.map((o) => o.id)).toEqual([alpha.organization.id, zeta.organization.id]);
  });

  it("finds a user by email whatever its case, and nobody for an unknown one", async () => {
    const { owner } = await t.core.organizations.create({
      name: "Case Ops",
      owner: { email: "Case@Ops.test", password: "case-password-1" },
    });
    expect(await t.core.users.findByEmail("CASE@ops.TEST")).toEqual(owner);
    expect(await t.core.users.findByEmail("nobody@ops.test")).toBeUndefined();
  });
});

describe("an organization's slug", () => {
  it("folds compatibility characters, turns each run of others into one dash and drops dashes at either end", () => {
    expect(slugify("Ｒｅｌａｙ Post & Co.")).toBe("relay-post-co");
    expect(slugify("  --Acme   Mail--  ")).toBe("acme-mail");
  });

  it("drops accents instead of splitting the word at them", () => {
    expect(slugify("Crème Brûlée à Zürich")).toBe("creme-brulee-a-zurich");
  });

  it("keeps at most 40 characters, and is 'org' when nothing of the name is left", () => {
    expect(slugify("a".repeat(50))).toBe("a".repeat(40));
    expect(slugify("日本語")).toBe("org");
    expect(slugify("!!!")).toBe("org");
  });
});

describe("creating and renaming organizations", () => {
  const t = useCore();
  let counter = 0;

  const newOwner = () => ({ email: `founder-${counter++}@example.com`, password: "founder-password-1" });

  it("gives a second organization of the same name its slug with a random four-character suffix", async () => {
    const first = await t.core.organizations.create({ name: "Twin Ops", owner: newOwner() });
    const second = await t.core.organizations.create({ name: "Twin Ops", owner: { userId: first.owner.id } });
    expect(first.organization.slug).toBe("twin-ops");
    expect(second.organization.slug).toMatch(/^twin-ops-[a-z0-9]{4}$/);
  });

  it("gives up after eight taken slugs with a conflict on the name, creating nothing", async () => {
    // Every slug of this name is taken: a trigger refuses its rows as the slug's unique index would, counting tries.
    await t.database.db.execute(sql`create sequence crowded_tries`);
    await t.database.db.execute(
      sql.raw(`create function crowded_slug() returns trigger language plpgsql as $$
        begin perform nextval('crowded_tries'); raise unique_violation using constraint = 'organizations_slug_unique'; end
      $$`),
    );
    await t.database.db.execute(
      sql`create trigger crowded before insert on organizations for each row when (new.name = 'Crowded') execute function crowded_slug()`,
    );
    const owner = newOwner();
    await expect(t.core.organizations.create({ name: "Crowded", owner })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Could not find a free slug for this name",
      field: "name",
    });
    const [tries] = await queryRows<{ n: number }>(t.database.db, sql`select last_value::int as n from crowded_tries`);
    expect(tries?.n).toBe(8);
    expect(await t.core.users.findByEmail(owner.email)).toBeUndefined();
  });

  it("refuses an owner who is no user as not found, creating nothing", async () => {
    await expect(
      t.core.organizations.create({ name: "Ownerless", owner: { userId: randomUUID() } }),
    ).rejects.toMatchObject({ name: "DomainError", code: "NOT_FOUND", message: "User not found" });
    expect((await t.core.organizations.list()).map((o) => o.name)).not.toContain("Ownerless");
  });

  it("refuses a name the API would refuse, with the rule it broke on the name field", async () => {
    await expect(t.core.organizations.create({ name: "   ", owner: newOwner() })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Name your organization",
      field: "name",
    });
    const { organization } = await t.core.organizations.create({ name: "Kept Name", owner: newOwner() });
    await expect(
      t.core.organizations.rename(organization.id, systemActor("cli"), "x".repeat(101)),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "At most 100 characters", field: "name" });
    expect((await t.core.organizations.find(organization.id))?.name).toBe("Kept Name");
  });

  it("finds an organization by id or by slug, and nothing for an unknown slug", async () => {
    const { organization } = await t.core.organizations.create({ name: "Findable", owner: newOwner() });
    expect(await t.core.organizations.find(organization.id)).toEqual(organization);
    expect(await t.core.organizations.find(organization.slug)).toEqual(organization);
    expect(await t.core.organizations.find("no-such-organization")).toBeUndefined();
  });

  it("renames an organization, keeping its slug, and audits the creation and the rename", async () => {
    const { organization } = await t.core.organizations.create({ name: "Old Name", owner: newOwner() });
    const renamed = await t.core.organizations.rename(organization.id, systemActor("cli"), "  New Name  ");
    expect(renamed).toEqual({ ...organization, name: "New Name" });
    expect(await t.core.organizations.find(organization.id)).toEqual(renamed);
    const target = { targetType: "organization", targetId: organization.id, metadata: {} };
    expect(await auditEntries(t.core, organization.id)).toEqual([
      { action: "organization.renamed", ...target, targetLabel: "New Name" },
      { action: "organization.created", ...target, targetLabel: "Old Name" },
    ]);
  });

  it("answers renaming an unknown organization as not found", async () => {
    await expect(t.core.organizations.rename(randomUUID(), systemActor("cli"), "Anything")).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Organization not found",
    });
  });
});
