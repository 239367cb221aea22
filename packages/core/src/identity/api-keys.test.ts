import { schema } from "@relaypost/db";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Actor } from "../actor";
import { operatorScope, type RoleScope } from "./roles";
import { auditEntries, useCore } from "./test-support";

describe("API keys", () => {
  const t = useCore();
  let counter = 0;

  /** A new organization and its owner's scope, so each test sees only its own keys and audit entries. */
  async function ownerScope(): Promise<RoleScope & { actor: Actor & { id: string } }> {
    const n = counter++;
    const { organization, owner } = await t.core.organizations.create({
      name: `Keys ${n}`,
      owner: { email: `keys-${n}@example.com`, password: "keys-password-1" },
    });
    const actor = { type: "user" as const, id: owner.id, label: owner.email, remoteAddress: "192.0.2.10" };
    return { organizationId: organization.id, actor, role: "owner" };
  }

  const stored = async (id: string) => {
    const [row] = await t.database.db.select().from(schema.apiKeys).where(eq(schema.apiKeys.id, id));
    if (!row) throw new Error(`no API key ${id}`);
    return row;
  };

  it("keeps the name trimmed, shows the token's first 12 characters as prefix, and records its creator", async () => {
    const scope = await ownerScope();
    const { apiKey, token } = await t.core.apiKeys.create(scope, { name: "  deploy bot  ", role: "admin" });

    expect(apiKey).toMatchObject({ name: "deploy bot", role: "admin", lastUsedAt: null, revokedAt: null });
    expect(apiKey.prefix).toBe(token.slice(0, 12));
    expect(apiKey.prefix).toHaveLength(12);
    expect((await stored(apiKey.id)).createdBy).toBe(scope.actor.id);
    expect(await auditEntries(t.core, scope.organizationId, apiKey.id)).toEqual([
      {
        action: "api_key.created",
        targetType: "api_key",
        targetId: apiKey.id,
        targetLabel: "deploy bot",
        metadata: { role: "admin" },
      },
    ]);
  });

  it("records no creating user for a key made by the operator or by another API key", async () => {
    const { organizationId } = await ownerScope();
    const operator = operatorScope(organizationId, "cli");
    const { apiKey: first } = await t.core.apiKeys.create(operator, { name: "from the CLI", role: "admin" });
    const keyActor: Actor = { type: "api_key", id: first.id, label: first.name, remoteAddress: null };
    const { apiKey: second } = await t.core.apiKeys.create(
      { organizationId, actor: keyActor, role: "admin" },
      { name: "made by a key", role: "viewer" },
    );
    expect((await stored(first.id)).createdBy).toBeNull();
    expect((await stored(second.id)).createdBy).toBeNull();
  });

  it("takes names of 1 to 100 characters once trimmed, and refuses 0 or 101 on the name field", async () => {
    const scope = await ownerScope();
    for (const name of ["k", "x".repeat(100), `  ${"y".repeat(100)}  `]) {
      await expect(t.core.apiKeys.create(scope, { name, role: "viewer" })).resolves.toBeDefined();
    }
    for (const name of ["", "   ", "z".repeat(101)]) {
      await expect(t.core.apiKeys.create(scope, { name, role: "viewer" })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: "Name must be 1–100 characters",
        field: "name",
      });
    }
    const names = (await t.core.apiKeys.list(scope.organizationId)).map((k) => k.name);
    expect(names.sort()).toEqual(["k", "x".repeat(100), "y".repeat(100)]);
  });

  it("revokes a key once, audits it, and answers revoking it again or another organization's key as not found", async () => {
    const scope = await ownerScope();
    const other = await ownerScope();
    const { apiKey, token } = await t.core.apiKeys.create(scope, { name: "retiring", role: "viewer" });
    const { apiKey: theirs } = await t.core.apiKeys.create(other, { name: "theirs", role: "viewer" });

    await t.core.apiKeys.revoke(scope.organizationId, scope.actor, apiKey.id);
    expect(await t.core.apiKeys.resolve(token)).toBeUndefined();
    for (const id of [apiKey.id, theirs.id]) {
      await expect(t.core.apiKeys.revoke(scope.organizationId, scope.actor, id)).rejects.toMatchObject({
        code: "NOT_FOUND",
        message: "API key not found",
      });
    }
    expect((await stored(theirs.id)).revokedAt).toBeNull();
    expect((await auditEntries(t.core, scope.organizationId, apiKey.id))[0]).toEqual({
      action: "api_key.revoked",
      targetType: "api_key",
      targetId: apiKey.id,
      targetLabel: "retiring",
      metadata: {},
    });
  });

  it("notes a key's last use on first use, not again within a minute, and again once that is older", async () => {
    const scope = await ownerScope();
    const { apiKey, token } = await t.core.apiKeys.create(scope, { name: "busy", role: "viewer" });

    expect(await t.core.apiKeys.resolve(token)).toEqual({
      id: apiKey.id,
      name: "busy",
      organizationId: scope.organizationId,
      role: "viewer",
    });
    const first = (await stored(apiKey.id)).lastUsedAt;
    expect(first).toBeInstanceOf(Date);

    await t.core.apiKeys.resolve(token);
    expect((await stored(apiKey.id)).lastUsedAt).toEqual(first);

    const twoMinutesAgo = new Date(Date.now() - 2 * 60_000);
    await t.database.db
      .update(schema.apiKeys)
      .set({ lastUsedAt: twoMinutesAgo })
      .where(eq(schema.apiKeys.id, apiKey.id));
    await t.core.apiKeys.resolve(token);
    expect((await stored(apiKey.id)).lastUsedAt?.getTime()).toBeGreaterThan(twoMinutesAgo.getTime());
  });
});
