import { randomBytes } from "node:crypto";
import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCore } from "../core";
import { DomainError } from "../errors";
import type { RoleScope } from "../identity/roles";
import { Keyring } from "../secret-box";
import type { Core } from "../services";
import { IDEMPOTENCY_WINDOW_MS } from "./idempotency";

describe("creates named by an Idempotency-Key", () => {
  let database: TestDatabase;
  let core: Core;
  let clock: Date;
  const keyring = new Keyring(randomBytes(32));
  let first: RoleScope;
  let second: RoleScope;
  let counter = 0;
  const newKey = () => `key-${counter++}-${randomBytes(4).toString("hex")}`;

  async function organization(name: string): Promise<RoleScope> {
    const { organization, owner } = await core.organizations.create({
      name,
      owner: { email: `${name.toLowerCase().replaceAll(" ", "-")}@example.com`, password: "owner-password-1" },
    });
    return {
      organizationId: organization.id,
      role: "owner",
      actor: { type: "user", id: owner.id, label: owner.email, remoteAddress: null },
    };
  }

  const credentialCount = async (organizationId: string) =>
    (
      await database.db
        .select({ n: count() })
        .from(schema.smtpCredentials)
        .where(eq(schema.smtpCredentials.organizationId, organizationId))
    )[0]?.n;

  const auditCount = async (organizationId: string, action: string) =>
    (
      await database.db
        .select({ n: count() })
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.organizationId, organizationId), eq(schema.auditLog.action, action)))
    )[0]?.n;

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => (error instanceof DomainError ? error.code : error),
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    clock = new Date();
    core = createCore({ db: database.db, keyring, now: () => clock });
    first = await organization("Idempotent One");
    second = await organization("Idempotent Two");
  });
  afterAll(() => database.destroy());

  it("answers a retry with the first credential and password, creating and auditing nothing more", async () => {
    const key = newKey();
    const before = await credentialCount(first.organizationId);
    const input = { username: "retried_app", description: "billing", allowedSenders: ["example.com"] };
    const created = await core.smtpCredentials.create(first, input, key);
    const retried = await core.smtpCredentials.create(first, { ...input }, key);
    expect(retried).toEqual(created);
    expect(retried.credential.createdAt).toBeInstanceOf(Date);
    expect(await credentialCount(first.organizationId)).toBe((before ?? 0) + 1);
    expect(await auditCount(first.organizationId, "credential.created")).toBe(1);
  });

  it("refuses the same key with another input or for another create as unprocessable", async () => {
    const key = newKey();
    await core.smtpCredentials.create(first, { description: "one" }, key);
    const before = await credentialCount(first.organizationId);
    expect(await refusal(core.smtpCredentials.create(first, { description: "two" }, key))).toBe(
      "UNPROCESSABLE_CONTENT",
    );
    expect(await refusal(core.apiKeys.create(first, { name: "one", role: "viewer" }, key))).toBe(
      "UNPROCESSABLE_CONTENT",
    );
    expect(await credentialCount(first.organizationId)).toBe(before);
  });

  it("creates once when requests with the same key arrive together, and answers every one with that create", async () => {
    const key = newKey();
    const before = await credentialCount(first.organizationId);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => core.smtpCredentials.create(first, { description: "together" }, key)),
    );
    expect(new Set(answers.map((a) => a.credential.id)).size).toBe(1);
    expect(new Set(answers.map((a) => a.password)).size).toBe(1);
    expect(await credentialCount(first.organizationId)).toBe((before ?? 0) + 1);
  });

  it("stores nothing for a create that failed, so a retry with the key can succeed", async () => {
    const taken = await core.smtpCredentials.create(first, { username: "taken_name" });
    const key = newKey();
    expect(await refusal(core.smtpCredentials.create(first, { username: "taken_name" }, key))).toBe("CONFLICT");
    await core.smtpCredentials.delete(first, taken.credential.id);
    const retried = await core.smtpCredentials.create(first, { username: "taken_name" }, key);
    expect(retried.credential.id).not.toBe(taken.credential.id);
    expect(retried.credential.username).toBe("taken_name");
  });

  it("keeps each organization's keys apart: the same key creates in both", async () => {
    const key = newKey();
    const inFirst = await core.smtpCredentials.create(first, { description: "tenant" }, key);
    const inSecond = await core.smtpCredentials.create(second, { description: "tenant" }, key);
    expect(inSecond.credential.id).not.toBe(inFirst.credential.id);
    expect(inSecond.password).not.toBe(inFirst.password);
  });

  it("keeps each caller's keys apart within an organization", async () => {
    const key = newKey();
    const apiKeyScope: RoleScope = {
      ...first,
      role: "admin",
      actor: { type: "api_key", id: crypto.randomUUID(), label: "API key", remoteAddress: null },
    };
    const byOwner = await core.apiKeys.create(first, { name: "deploy", role: "viewer" }, key);
    const byApiKey = await core.apiKeys.create(apiKeyScope, { name: "deploy", role: "viewer" }, key);
    expect(byApiKey.apiKey.id).not.toBe(byOwner.apiKey.id);
  });

  it("stores the answer sealed: the password, token and link are nowhere in the table in plaintext", async () => {
    const credential = await core.smtpCredentials.create(first, {}, newKey());
    const apiKey = await core.apiKeys.create(first, { name: "sealed", role: "viewer" }, newKey());
    const invitation = await core.invitations.create(first, "viewer", newKey());
    const rows = await database.db.select().from(schema.idempotencyKeys);
    const raw = JSON.stringify(rows.map((row) => ({ ...row, responseCiphertext: row.responseCiphertext.toString() })));
    for (const secret of [credential.password, apiKey.token, invitation.token]) {
      expect(raw).not.toContain(secret);
      expect(rows.some((row) => row.responseCiphertext.includes(Buffer.from(secret)))).toBe(false);
    }
  });

  it("answers a retried API key and invitation create with the first token", async () => {
    const apiKeyKey = newKey();
    const apiKey = await core.apiKeys.create(first, { name: "ci", role: "admin" }, apiKeyKey);
    expect(await core.apiKeys.create(first, { name: "ci", role: "admin" }, apiKeyKey)).toEqual(apiKey);
    const invitationKey = newKey();
    const invitation = await core.invitations.create(first, "admin", invitationKey);
    expect(await core.invitations.create(first, "admin", invitationKey)).toEqual(invitation);
    expect(
      (await core.invitations.list(first.organizationId)).filter((i) => i.id === invitation.invitation.id),
    ).toHaveLength(1);
  });

  it("forgets an answer once the window has passed: the key creates afresh, and pruning removes the old row", async () => {
    const key = newKey();
    const created = await core.smtpCredentials.create(first, { description: "window" }, key);
    clock = new Date(clock.getTime() + IDEMPOTENCY_WINDOW_MS + 1000);
    const afterWindow = await core.smtpCredentials.create(first, { description: "window" }, key);
    expect(afterWindow.credential.id).not.toBe(created.credential.id);
    expect(await core.smtpCredentials.create(first, { description: "window" }, key)).toEqual(afterWindow);
    clock = new Date(clock.getTime() + IDEMPOTENCY_WINDOW_MS + 1000);
    await core.pruneIdempotencyKeys();
    expect(await database.db.select().from(schema.idempotencyKeys)).toEqual([]);
  });

  it("tells a retry whose answer another server key sealed that it cannot be shown, and creates nothing", async () => {
    const key = newKey();
    await core.smtpCredentials.create(first, { description: "rotated" }, key);
    const elsewhere = createCore({ db: database.db, keyring: new Keyring(randomBytes(32)), now: () => clock });
    const before = await credentialCount(first.organizationId);
    expect(await refusal(elsewhere.smtpCredentials.create(first, { description: "rotated" }, key))).toBe("CONFLICT");
    expect(await credentialCount(first.organizationId)).toBe(before);
  });
});
