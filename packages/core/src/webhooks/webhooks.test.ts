import { randomBytes } from "node:crypto";
import { schema } from "@relaypost/db";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { systemActor } from "../actor";
import type { Runtime, RuntimeConfig } from "../runtime";
import { Keyring } from "../secret-box";
import { WEBHOOK_DELIVERY_RETENTION_MS } from "./delivery-log";
import { useWebhookRuntimes } from "./receiver.test-support";

const serverKey = randomBytes(32);
const keyring = new Keyring(serverKey);
const ALLOW_LOOPBACK = { allowPrivateNetworks: true };

const t = useWebhookRuntimes();

function runtimeWith(webhooks: RuntimeConfig["webhooks"] = {}) {
  return t.runtime({
    keyring,
    webhooks: { policy: ALLOW_LOOPBACK, background: false, backoff: () => 0, ...webhooks },
  });
}

async function organization(runtime: Runtime, name = "Hooks") {
  const { organization: org } = await runtime.core.organizations.create({
    name,
    owner: { email: `owner-${randomBytes(4).toString("hex")}@hooks.test`, password: "owner-password-1" },
  });
  return { organizationId: org.id, actor: systemActor("test") };
}

describe("webhooks", () => {
  it("sends each event once, signed per Standard Webhooks with the secret shown at creation, and logs the answer", async () => {
    const runtime = await runtimeWith();
    const scope = await organization(runtime);
    const hook = await t.receiver();
    const { endpoint, secret } = await runtime.core.webhooks.create(scope, { url: hook.url });
    expect(secret).toMatch(/^whsec_/);
    const { credential } = await runtime.core.smtpCredentials.create(scope, {});
    await runtime.webhooks.drain();

    expect(hook.received).toHaveLength(1);
    const [request] = hook.received;
    const headers = request?.headers as Record<string, string>;
    const verified = new Webhook(secret).verify(request?.body ?? "", headers) as {
      type: string;
      data: { id: number; credentialId: string; type: string };
    };
    expect(verified).toMatchObject({ type: "credential.created", data: { credentialId: credential.id } });
    expect(headers["webhook-id"]).toBe(`msg_${verified.data.id}`);
    const { items } = await runtime.core.webhooks.deliveries(scope.organizationId, {
      endpointId: endpoint.id,
      limit: 10,
    });
    expect(items).toMatchObject([{ status: "delivered", attempts: 1, lastStatus: 200, lastResponse: "ok" }]);
  });

  it("sends only the chosen types, nothing from before it was added, and nothing of another organization", async () => {
    const runtime = await runtimeWith();
    const scope = await organization(runtime);
    const other = await organization(runtime, "Other");
    const before = await runtime.core.smtpCredentials.create(scope, {});
    // With no endpoint anywhere the round moves past these events without reading them; they stay unsent.
    await runtime.webhooks.drain();
    const hook = await t.receiver();
    await runtime.core.webhooks.create(scope, { url: hook.url, eventTypes: ["credential.deleted"] });
    await runtime.core.smtpCredentials.delete(scope, before.credential.id);
    const { credential } = await runtime.core.smtpCredentials.create(scope, {});
    await runtime.core.smtpCredentials.create(other, {});
    await runtime.core.smtpCredentials.delete(scope, credential.id);
    await runtime.webhooks.drain();
    // Sent concurrently, so in any order; the event ids tell the order they happened in.
    const sent = hook.received.map((r) => JSON.parse(r.body).data).sort((a, b) => a.id - b.id);
    expect(sent).toMatchObject([
      { type: "credential.deleted", credentialId: before.credential.id },
      { type: "credential.deleted", credentialId: credential.id },
    ]);
  });

  it("retries a failing endpoint and delivers the same message once it answers, keeping each answer", async () => {
    const runtime = await runtimeWith();
    const scope = await organization(runtime);
    const hook = await t.receiver([{ status: 500, body: "boom" }]);
    const { endpoint } = await runtime.core.webhooks.create(scope, { url: hook.url });
    await runtime.core.smtpCredentials.create(scope, {});
    await runtime.webhooks.runOnce();
    const failed = await runtime.core.webhooks.deliveries(scope.organizationId, { endpointId: endpoint.id, limit: 10 });
    expect(failed.items).toMatchObject([{ status: "pending", attempts: 1, lastStatus: 500, lastResponse: "boom" }]);
    await runtime.webhooks.drain();
    const [first, second] = hook.received;
    expect(second?.headers["webhook-id"]).toBe(first?.headers["webhook-id"]);
    expect(second?.body).toBe(first?.body);
    const delivered = await runtime.core.webhooks.deliveries(scope.organizationId, {
      endpointId: endpoint.id,
      limit: 10,
    });
    expect(delivered.items).toMatchObject([{ status: "delivered", attempts: 2, lastStatus: 200 }]);
  });

  it("gives a delivery up as failed when its attempts run out, and never sends it again", async () => {
    const runtime = await runtimeWith({ maxAttempts: 2 });
    const scope = await organization(runtime);
    const hook = await t.receiver([{ status: 503 }, { status: 503 }]);
    const { endpoint } = await runtime.core.webhooks.create(scope, { url: hook.url });
    await runtime.core.smtpCredentials.create(scope, {});
    await runtime.webhooks.drain();
    await runtime.webhooks.drain();
    expect(hook.received).toHaveLength(2);
    const { items } = await runtime.core.webhooks.deliveries(scope.organizationId, {
      endpointId: endpoint.id,
      limit: 10,
    });
    expect(items).toMatchObject([{ status: "failed", attempts: 2, lastStatus: 503, nextAttemptAt: null }]);
  });

  it("turns an endpoint off after repeated failure with a webhook.disabled event; on again, it gets what waited", async () => {
    const runtime = await runtimeWith({ disableAfterFailures: 2, disableAfterMs: 0 });
    const scope = await organization(runtime);
    const hook = await t.receiver([{ status: 500 }, { status: 500 }]);
    const { endpoint } = await runtime.core.webhooks.create(scope, { url: hook.url });
    await runtime.core.smtpCredentials.create(scope, {});
    await runtime.webhooks.drain();
    await runtime.webhooks.drain();
    expect(hook.received).toHaveLength(2);
    const [off] = await runtime.core.webhooks.list(scope.organizationId);
    expect(off).toMatchObject({ enabled: false, consecutiveFailures: 2 });
    expect(off?.disabledReason).toContain("HTTP 500");
    const events = await runtime.core.events.since({
      organizationId: scope.organizationId,
      afterId: 0,
      limit: 100,
      types: ["webhook.disabled"],
    });
    expect(events).toMatchObject([
      { type: "webhook.disabled", data: { endpointId: endpoint.id, failures: 2, lastResponse: "HTTP 500" } },
    ]);

    const on = await runtime.core.webhooks.update(scope, endpoint.id, { enabled: true });
    expect(on).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
    await runtime.webhooks.drain();
    expect(hook.received.at(-1)?.headers["webhook-id"]).toBe(hook.received[0]?.headers["webhook-id"]);
    expect(hook.received).toHaveLength(3);
  });

  it("signs with the new and the previous secret during a rotation's overlap, and with the new one alone without", async () => {
    const runtime = await runtimeWith();
    const scope = await organization(runtime);
    const hook = await t.receiver();
    const { endpoint, secret: first } = await runtime.core.webhooks.create(scope, { url: hook.url });
    const { secret: second } = await runtime.core.webhooks.rotateSecret(scope, endpoint.id, 24);
    await runtime.core.smtpCredentials.create(scope, {});
    await runtime.webhooks.drain();
    const verifyWith = (secret: string, n: number) => () =>
      new Webhook(secret).verify(hook.received[n]?.body ?? "", hook.received[n]?.headers as Record<string, string>);
    expect(verifyWith(first, 0)).not.toThrow();
    expect(verifyWith(second, 0)).not.toThrow();

    const { secret: third } = await runtime.core.webhooks.rotateSecret(scope, endpoint.id, 0);
    await runtime.core.smtpCredentials.create(scope, {});
    await runtime.webhooks.drain();
    expect(verifyWith(third, 1)).not.toThrow();
    expect(verifyWith(second, 1)).toThrow();
  });

  it("prunes finished deliveries past the retention at maintenance, keeping those still pending", async () => {
    const runtime = await runtimeWith();
    const scope = await organization(runtime);
    const hook = await t.receiver([{ status: 500 }]);
    const { endpoint } = await runtime.core.webhooks.create(scope, { url: hook.url });
    await runtime.core.smtpCredentials.create(scope, {});
    await runtime.core.smtpCredentials.create(scope, {});
    await runtime.webhooks.runOnce();
    const log = () => runtime.core.webhooks.deliveries(scope.organizationId, { endpointId: endpoint.id, limit: 10 });
    expect((await log()).items.map((i) => i.status).sort()).toEqual(["delivered", "pending"]);
    const longAgo = new Date(Date.now() - WEBHOOK_DELIVERY_RETENTION_MS - 60_000);
    await t.database.db
      .update(schema.webhookDeliveries)
      .set({ createdAt: longAgo })
      .where(eq(schema.webhookDeliveries.endpointId, endpoint.id));
    await runtime.runMaintenance();
    expect((await log()).items.map((i) => i.status)).toEqual(["pending"]);
  });

  it("keeps the secret only sealed: the stored row does not contain it", async () => {
    const runtime = await runtimeWith();
    const scope = await organization(runtime);
    const { endpoint, secret } = await runtime.core.webhooks.create(scope, { url: "http://127.0.0.1:9/x" });
    const rows = await t.database.db.execute(`select * from webhook_endpoints where id = '${endpoint.id}'`);
    const stored = JSON.stringify(rows);
    expect(stored).toContain(endpoint.id);
    expect(stored).not.toContain(secret.slice("whsec_".length));
    expect(JSON.stringify(await runtime.core.webhooks.list(scope.organizationId))).not.toContain(secret);
  });

  it("opens secrets sealed with a retired server key and reseals them under the new one at maintenance", async () => {
    const old = await runtimeWith();
    const scope = await organization(old);
    const hook = await t.receiver();
    const { endpoint, secret } = await old.core.webhooks.create(scope, { url: hook.url });
    await old.close();
    const rotatedKeyring = new Keyring(randomBytes(32), [serverKey]);
    const rotated = await t.runtime({
      keyring: rotatedKeyring,
      webhooks: { policy: ALLOW_LOOPBACK, background: false, backoff: () => 0 },
    });
    await rotated.runMaintenance();
    const [row] = await t.database.db
      .select()
      .from(schema.webhookEndpoints)
      .where(eq(schema.webhookEndpoints.id, endpoint.id));
    expect(row?.secret.startsWith(`${rotatedKeyring.currentKeyId}.`)).toBe(true);
    await rotated.core.smtpCredentials.create(scope, {});
    await rotated.webhooks.drain();
    expect(() =>
      new Webhook(secret).verify(hook.received[0]?.body ?? "", hook.received[0]?.headers as Record<string, string>),
    ).not.toThrow();
  });

  it("counts a secret the server key no longer opens as a failed attempt that says why, and sends nothing", async () => {
    const old = await runtimeWith();
    const scope = await organization(old);
    const hook = await t.receiver();
    const { endpoint } = await old.core.webhooks.create(scope, { url: hook.url });
    await old.close();
    const keyless = await t.runtime({
      keyring: new Keyring(randomBytes(32)),
      webhooks: { policy: ALLOW_LOOPBACK, background: false, backoff: () => 60_000 },
    });
    await keyless.core.smtpCredentials.create(scope, {});
    await keyless.webhooks.drain();
    expect(hook.received).toHaveLength(0);
    const { items } = await keyless.core.webhooks.deliveries(scope.organizationId, {
      endpointId: endpoint.id,
      limit: 5,
    });
    expect(items).toMatchObject([{ status: "pending", attempts: 1, lastStatus: null }]);
    expect(items[0]?.lastResponse).toMatch(/^not sent: the stored secret was sealed with server key/);
  });

  it("sends each event once when two processes run the workers at the same time", async () => {
    const [a, b] = [await runtimeWith(), await runtimeWith()];
    if (!a || !b) throw new Error("two runtimes");
    const scope = await organization(a);
    const hook = await t.receiver();
    await a.core.webhooks.create(scope, { url: hook.url });
    for (let n = 0; n < 20; n++) await a.core.smtpCredentials.create(scope, {});
    await Promise.all([a.webhooks.drain(), b.webhooks.drain()]);
    await Promise.all([a.webhooks.drain(), b.webhooks.drain()]);
    const ids = hook.received.map((r) => r.headers["webhook-id"]);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });
});
