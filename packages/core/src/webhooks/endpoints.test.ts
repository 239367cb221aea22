import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../actor";
import { createCore } from "../core";
import { Keyring } from "../secret-box";
import type { Core } from "../services";
import { MAX_ENDPOINTS_PER_ORGANIZATION, resealWebhookSecrets } from "./endpoints";

const keyring = new Keyring(randomBytes(32));
const URL_A = "http://127.0.0.1:9/a";
const URL_B = "http://127.0.0.1:9/b";

let database: TestDatabase;
let core: Core;

async function organization() {
  const { organization: org } = await core.organizations.create({
    name: "Endpoints",
    owner: { email: `owner-${randomBytes(4).toString("hex")}@endpoints.test`, password: "owner-password-1" },
  });
  return { organizationId: org.id, actor: systemActor("test") };
}

async function auditOf(organizationId: string) {
  const { items } = await core.auditLog.list(organizationId, { limit: 100 });
  return items.filter((entry) => entry.action.startsWith("webhook."));
}

beforeAll(async () => {
  database = await createTestDatabase();
  core = createCore({ db: database.db, keyring, webhookPolicy: { allowPrivateNetworks: true } });
});
afterAll(() => database.destroy());

describe("webhook endpoints", () => {
  it(`allows ${MAX_ENDPOINTS_PER_ORGANIZATION} endpoints per organization and refuses the next one`, async () => {
    const scope = await organization();
    for (let n = 0; n < MAX_ENDPOINTS_PER_ORGANIZATION; n++) {
      await core.webhooks.create(scope, { url: `${URL_A}${n}` });
    }
    await expect(core.webhooks.create(scope, { url: URL_B })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "An organization can have at most 20 webhook endpoints",
    });
    expect(await core.webhooks.list(scope.organizationId)).toHaveLength(20);
    expect(await core.webhooks.list((await organization()).organizationId)).toEqual([]);
  });

  it("stores an empty description when none is given, and records the creation with its event types", async () => {
    const scope = await organization();
    const { endpoint } = await core.webhooks.create(scope, { url: URL_A, eventTypes: ["credential.created"] });
    expect(endpoint).toMatchObject({ url: URL_A, description: "", eventTypes: ["credential.created"] });
    expect(await auditOf(scope.organizationId)).toMatchObject([
      {
        action: "webhook.created",
        targetType: "webhook_endpoint",
        targetId: endpoint.id,
        targetLabel: URL_A,
        metadata: { eventTypes: ["credential.created"] },
      },
    ]);
  });

  it("changes only the fields given: URL, description, event types", async () => {
    const scope = await organization();
    const { endpoint } = await core.webhooks.create(scope, { url: URL_A, description: "first" });
    expect(await core.webhooks.update(scope, endpoint.id, { url: URL_B })).toMatchObject({
      url: URL_B,
      description: "first",
      eventTypes: [],
    });
    expect(await core.webhooks.update(scope, endpoint.id, { description: "second" })).toMatchObject({
      url: URL_B,
      description: "second",
    });
    expect(await core.webhooks.update(scope, endpoint.id, { eventTypes: ["credential.deleted"] })).toMatchObject({
      url: URL_B,
      description: "second",
      eventTypes: ["credential.deleted"],
    });
  });

  it("answers not found for another organization's endpoint, for every change", async () => {
    const owner = await organization();
    const other = await organization();
    const { endpoint } = await core.webhooks.create(owner, { url: URL_A });
    const notFound = { code: "NOT_FOUND", message: "Webhook endpoint not found" };
    await expect(core.webhooks.update(other, endpoint.id, { description: "x" })).rejects.toMatchObject(notFound);
    await expect(core.webhooks.rotateSecret(other, endpoint.id)).rejects.toMatchObject(notFound);
    await expect(core.webhooks.delete(other, endpoint.id)).rejects.toMatchObject(notFound);
    expect(await core.webhooks.list(owner.organizationId)).toHaveLength(1);
  });

  it("keeps the previous secret for the hours asked (24 by default), none for 0, and audits each rotation", async () => {
    const scope = await organization();
    const { endpoint } = await core.webhooks.create(scope, { url: URL_A });
    const before = Date.now();
    const kept = await core.webhooks.rotateSecret(scope, endpoint.id);
    const after = Date.now();
    const expires = kept.endpoint.previousSecretExpiresAt?.getTime() ?? 0;
    expect(expires).toBeGreaterThanOrEqual(before + 24 * 3_600_000);
    expect(expires).toBeLessThanOrEqual(after + 24 * 3_600_000);

    const dropped = await core.webhooks.rotateSecret(scope, endpoint.id, 0);
    expect(dropped.endpoint.previousSecretExpiresAt).toBeNull();
    expect(dropped.secret).not.toBe(kept.secret);

    const rotations = (await auditOf(scope.organizationId)).filter((e) => e.action === "webhook.secret_rotated");
    expect(rotations.map((e) => e.metadata)).toEqual([{ keepPreviousHours: 0 }, { keepPreviousHours: 24 }]);
    expect(rotations[0]).toMatchObject({ targetId: endpoint.id, targetLabel: URL_A });
  });

  it("deletes an endpoint, answering its id, and records the deletion", async () => {
    const scope = await organization();
    const { endpoint } = await core.webhooks.create(scope, { url: URL_A });
    expect(await core.webhooks.delete(scope, endpoint.id)).toEqual({ id: endpoint.id });
    expect(await core.webhooks.list(scope.organizationId)).toEqual([]);
    expect((await auditOf(scope.organizationId))[0]).toMatchObject({
      action: "webhook.deleted",
      targetId: endpoint.id,
      targetLabel: URL_A,
    });
  });
});

describe("resealing signing secrets after a server key rotation", () => {
  it("reseals each endpoint with a secret under an older key once, and counts only those", async () => {
    const own = await createTestDatabase();
    try {
      const oldKey = randomBytes(32);
      const old = createCore({
        db: own.db,
        keyring: new Keyring(oldKey),
        webhookPolicy: { allowPrivateNetworks: true },
      });
      const { organization: org } = await old.organizations.create({
        name: "Reseal",
        owner: { email: "owner@reseal.test", password: "owner-password-1" },
      });
      const scope = { organizationId: org.id, actor: systemActor("test") };
      await old.webhooks.create(scope, { url: URL_A });
      const { endpoint: rotated } = await old.webhooks.create(scope, { url: URL_B });
      await old.webhooks.rotateSecret(scope, rotated.id, 24);

      const newKeyring = new Keyring(randomBytes(32), [oldKey]);
      expect(await resealWebhookSecrets(own.db, newKeyring)).toBe(2);
      expect(await resealWebhookSecrets(own.db, newKeyring)).toBe(0);
      const current = createCore({ db: own.db, keyring: newKeyring, webhookPolicy: { allowPrivateNetworks: true } });
      await current.webhooks.create(scope, { url: URL_A });
      expect(await resealWebhookSecrets(own.db, newKeyring)).toBe(0);
    } finally {
      await own.destroy();
    }
  });
});
