import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCore } from "../core";
import type { Core } from "../services";

describe("the operator's view of organizations and users", () => {
  let database: TestDatabase;
  let core: Core;

  beforeAll(async () => {
    database = await createTestDatabase();
    core = createCore({ db: database.db });
  });
  afterAll(() => database.destroy());

  it("lists every organization by name, whoever owns it", async () => {
    const zeta = await core.organizations.create({
      name: "Zeta Ops",
      owner: { email: "zeta@ops.test", password: "zeta-password-1" },
    });
    const alpha = await core.organizations.create({
      name: "Alpha Ops",
      owner: { email: "alpha@ops.test", password: "alpha-password-1" },
    });
    const listed = await core.organizations.list();
    expect(listed.map((o) => o.id)).toEqual([alpha.organization.id, zeta.organization.id]);
  });

  it("finds a user by email whatever its case, and nobody for an unknown one", async () => {
    const { owner } = await core.organizations.create({
      name: "Case Ops",
      owner: { email: "Case@Ops.test", password: "case-password-1" },
    });
    expect(await core.users.findByEmail("CASE@ops.TEST")).toEqual(owner);
    expect(await core.users.findByEmail("nobody@ops.test")).toBeUndefined();
  });
});
