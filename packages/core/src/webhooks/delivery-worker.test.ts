import { randomBytes } from "node:crypto";
import { schema } from "@relaypost/db";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { systemActor } from "../actor";
import type { RuntimeConfig } from "../runtime";
import { Keyring } from "../secret-box";
import { useWebhookRuntimes } from "./receiver.test-support";

const keyring = new Keyring(randomBytes(32));
const HOUR = 3_600_000;

const t = useWebhookRuntimes();

/** A runtime whose webhook worker reads the time from `clock.at`, which a test moves by hand. */
async function runtimeWith(webhooks: RuntimeConfig["webhooks"] = {}) {
  const clock = { at: new Date(Date.now() + 1_000) };
  const runtime = await t.runtime({
    keyring,
    webhooks: {
      policy: { allowPrivateNetworks: true },
      background: false,
      backoff: () => 0,
      now: () => clock.at,
      ...webhooks,
    },
  });
  const { organization } = await runtime.core.organizations.create({
    name: "Worker",
    owner: { email: `owner-${randomBytes(4).toString("hex")}@worker.test`, password: "owner-password-1" },
  });
  return { runtime, clock, scope: { organizationId: organization.id, actor: systemActor("test") } };
}

async function deliveryRow(endpointId: string) {
  const [row] = await t.database.db
    .select()
    .from(schema.webhookDeliveries)
    .where(eq(schema.webhookDeliveries.endpointId, endpointId));
  return row;
}

const signatures = (header: string | string[] | undefined) => String(header).split(" ");

describe("webhook delivery worker", () => {
  it("sends the exact Standard Webhooks headers for the worker's clock, signed with the endpoint's secret", async () => {
    const { runtime, clock, scope } = await runtimeWith();
    clock.at = new Date(Date.now() + 5_678);
    const hook = await t.receiver();
    const { secret } = await runtime.core.webhooks.create(scope, { url: hook.url });
    await runtime.core.smtpCredentials.create(scope, {});
    await runtime.webhooks.runOnce();

    const [request] = hook.received;
    const messageId = String(request?.headers["webhook-id"]);
    expect(messageId).toMatch(/^msg_\d+$/);
    expect(request?.headers["user-agent"]).toBe("RelayPost-Webhooks/1");
    expect(request?.headers["webhook-timestamp"]).toBe(String(Math.floor(clock.at.getTime() / 1000)));
    expect(request?.headers["webhook-signature"]).toBe(
      new Webhook(secret).sign(messageId, clock.at, request?.body ?? ""),
    );
  });

  it("signs with the previous secret too until the very instant its overlap ends", async () => {
    const { runtime, clock, scope } = await runtimeWith();
    const hook = await t.receiver();
    const { endpoint, secret: previous } = await runtime.core.webhooks.create(scope, { url: hook.url });
    const { secret: current } = await runtime.core.webhooks.rotateSecret(scope, endpoint.id, 24);
    const [rotated] = await runtime.core.webhooks.list(scope.organizationId);
    const overlapEnds = rotated?.previousSecretExpiresAt;
    if (!overlapEnds) throw new Error("the rotation kept no previous secret");

    clock.at = new Date(overlapEnds.getTime() - 1);
    await runtime.core.smtpCredentials.create(scope, {});
    await runtime.webhooks.runOnce();
    clock.at = overlapEnds;
    await runtime.core.smtpCredentials.create(scope, {});
    await runtime.webhooks.runOnce();

    const [during, after] = hook.received;
    const signedAt = (n: number) => new Date(Number(hook.received[n]?.headers["webhook-timestamp"]) * 1000);
    const sign = (secret: string, n: number) =>
      new Webhook(secret).sign(
        String(hook.received[n]?.headers["webhook-id"]),
        signedAt(n),
        hook.received[n]?.body ?? "",
      );
    expect(signatures(during?.headers["webhook-signature"])).toEqual([sign(current, 0), sign(previous, 0)]);
    expect(signatures(after?.headers["webhook-signature"])).toEqual([sign(current, 1)]);
  });

  it("keeps a non-2xx answer pending until the backoff has passed on the worker's clock, then delivers it", async () => {
    const { runtime, clock, scope } = await runtimeWith({ backoff: (attempts) => attempts * 60_000 });
    const hook = await t.receiver([{ status: 300, body: "moved" }]);
    const { endpoint } = await runtime.core.webhooks.create(scope, { url: hook.url });
    await runtime.core.smtpCredentials.create(scope, {});
    const firstAttempt = clock.at;
    await runtime.webhooks.runOnce();

    expect(await deliveryRow(endpoint.id)).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatus: 300,
      lastResponse: "moved",
      lastAttemptAt: firstAttempt,
      nextAttemptAt: new Date(firstAttempt.getTime() + 60_000),
      leaseOwner: null,
    });
    const [failing] = await runtime.core.webhooks.list(scope.organizationId);
    expect(failing).toMatchObject({ consecutiveFailures: 1, enabled: true });

    clock.at = new Date(firstAttempt.getTime() + 59_999);
    await runtime.webhooks.runOnce();
    expect(hook.received).toHaveLength(1);

    clock.at = new Date(firstAttempt.getTime() + 60_000);
    await runtime.webhooks.runOnce();
    expect(hook.received).toHaveLength(2);
    expect(await deliveryRow(endpoint.id)).toMatchObject({
      status: "delivered",
      attempts: 2,
      lastStatus: 200,
      lastAttemptAt: clock.at,
      nextAttemptAt: clock.at,
    });
    const [recovered] = await runtime.core.webhooks.list(scope.organizationId);
    expect(recovered).toMatchObject({ consecutiveFailures: 0, enabled: true });
  });

  it("by default turns a failing endpoint off only once its failures have gone on for 24 hours", async () => {
    const { runtime, clock, scope } = await runtimeWith({ disableAfterFailures: 1 });
    const hook = await t.receiver([
      { status: 500, body: "boom" },
      { status: 500, body: "boom" },
      { status: 500, body: "boom" },
    ]);
    await runtime.core.webhooks.create(scope, { url: hook.url });
    await runtime.core.smtpCredentials.create(scope, {});
    const start = clock.at;
    await runtime.webhooks.runOnce();
    clock.at = new Date(start.getTime() + 24 * HOUR - 1);
    await runtime.webhooks.runOnce();
    const [stillOn] = await runtime.core.webhooks.list(scope.organizationId);
    expect(stillOn).toMatchObject({ enabled: true, consecutiveFailures: 2 });

    clock.at = new Date(start.getTime() + 24 * HOUR);
    await runtime.webhooks.runOnce();
    const [off] = await runtime.core.webhooks.list(scope.organizationId);
    expect(off).toMatchObject({
      enabled: false,
      consecutiveFailures: 3,
      disabledReason: "turned off after 3 failed attempts in a row; last: HTTP 500: boom",
    });
    expect(hook.received).toHaveLength(3);
  });

  it("says only the status when a failing endpoint answered with an empty body", async () => {
    const { runtime, scope } = await runtimeWith({ disableAfterFailures: 1, disableAfterMs: 0 });
    const hook = await t.receiver([{ status: 502 }]);
    await runtime.core.webhooks.create(scope, { url: hook.url });
    await runtime.core.smtpCredentials.create(scope, {});
    await runtime.webhooks.runOnce();
    const [off] = await runtime.core.webhooks.list(scope.organizationId);
    expect(off?.disabledReason).toBe("turned off after 1 failed attempts in a row; last: HTTP 502");
  });
});
