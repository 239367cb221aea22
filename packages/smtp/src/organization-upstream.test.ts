import { randomBytes } from "node:crypto";
import { Keyring, operatorScope, relayUrlSchema, type UpstreamInput } from "@relaypost/core";
import { queryRows, schema } from "@relaypost/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./testing/harness";
import { submit } from "./testing/submit";
import { startUpstreamSink, type UpstreamSink } from "./testing/upstream-sink";

const SERVER_AUTH = { user: "server", pass: "server-upstream-secret" };
const ORG_AUTH = { user: "acme", pass: "acme-upstream-Secret-9731" };

const send = async (port: number, auth: { user: string; pass: string }, subject: string) =>
  (await submit(port, auth, ["someone@example.org"], { subject })).id;

const subjectsAt = (sink: UpstreamSink) =>
  sink.received.map((m) => /^subject: (.*?)\r?$/im.exec(m.raw.toString())?.[1]);

/** A second organization on the harness's database, with a credential of its own. */
async function secondOrganization(h: Harness) {
  const [organization] = await h.database.db
    .insert(schema.organizations)
    .values({ name: "Beta", slug: `beta-${Math.random().toString(36).slice(2, 10)}` })
    .returning();
  if (!organization) throw new Error("insert returned no row");
  const { credential, password } = await h.core.smtpCredentials.create(operatorScope(organization.id, "test"), {});
  return { id: organization.id, auth: { user: credential.username, pass: password } };
}

const upstreamAt = (sink: UpstreamSink, auth: { user: string; pass: string } | null): UpstreamInput => ({
  host: "127.0.0.1",
  port: sink.port,
  tls: "starttls",
  tlsVerify: false,
  username: auth?.user ?? null,
  password: auth?.pass,
});

describe("an organization's own upstream, over real SMTP", () => {
  let serverSink: UpstreamSink;
  let orgSink: UpstreamSink;
  let h: Harness;
  let a: { id: string; auth: { user: string; pass: string } };
  let b: Awaited<ReturnType<typeof secondOrganization>>;
  const key = randomBytes(32);
  const relay = () => {
    if (!h.runtime.relay) throw new Error("no delivery workers");
    return h.runtime.relay;
  };
  const statusOf = async (id: string) =>
    (
      await h.database.db
        .select({ status: schema.smtpMessages.status })
        .from(schema.smtpMessages)
        .where(sql`${schema.smtpMessages.id} = ${id}`)
    )[0]?.status;

  beforeAll(async () => {
    serverSink = await startUpstreamSink({ auth: SERVER_AUTH });
    orgSink = await startUpstreamSink({ auth: ORG_AUTH });
    h = await startHarness({
      relay: { upstream: relayUrlSchema.parse(serverSink.url), background: false },
      keyring: new Keyring(key),
    });
    const created = await h.createCredential();
    a = { id: h.organizationId, auth: { user: created.username, pass: created.password } };
    b = await secondOrganization(h);
  });
  afterAll(async () => {
    await h.close();
    await serverSink.close();
    await orgSink.close();
  });

  it("relays an organization's mail to its own upstream, logged in there, and another's to RELAY_URL", async () => {
    await h.core.upstream.set(operatorScope(a.id, "test"), upstreamAt(orgSink, ORG_AUTH));
    const fromA = await send(h.service.port, a.auth, "from A");
    const fromB = await send(h.service.port, b.auth, "from B");

    await relay().drain();

    expect(await statusOf(fromA)).toBe("relayed");
    expect(await statusOf(fromB)).toBe("relayed");
    expect(subjectsAt(orgSink)).toEqual(["from A"]);
    expect(subjectsAt(serverSink)).toEqual(["from B"]);
    expect(orgSink.logins).toEqual([{ user: ORG_AUTH.user }]);
  });

  it("keeps the password only sealed: not in the row, the view, the audit log or the events", async () => {
    await h.core.upstream.set(operatorScope(a.id, "test"), upstreamAt(orgSink, ORG_AUTH));
    const plain = ORG_AUTH.pass;
    const forms = [plain, Buffer.from(plain).toString("hex"), Buffer.from(plain).toString("base64")];
    const [row] = await queryRows<{ row: string }>(
      h.database.db,
      sql`select organization_upstreams::text as row from organization_upstreams where organization_id = ${a.id}`,
    );
    const view = await h.core.upstream.get(a.id);
    const audit = await h.core.auditLog.list(a.id, { limit: 100 });
    const events = await h.events();
    expect(view.own).toMatchObject({ username: ORG_AUTH.user, passwordSet: true });
    expect(audit.items.map((entry) => entry.action)).toContain("upstream.updated");
    for (const text of [String(row?.row), JSON.stringify(view), JSON.stringify(audit), JSON.stringify(events)]) {
      for (const form of forms) expect(text).not.toContain(form);
    }
    expect(String(row?.row)).toContain(ORG_AUTH.user);
  });

  it("test connection reports the AUTH stage and the upstream's reply for a wrong password, and ok once right", async () => {
    const wrong = "wrong-password-5813";
    await h.core.upstream.set(operatorScope(a.id, "test"), upstreamAt(orgSink, { ...ORG_AUTH, pass: wrong }));
    const refused = await h.core.upstream.test(a.id);
    expect(refused).toEqual({
      ok: false,
      stage: expect.stringMatching(/^AUTH /),
      reply: "535 5.7.8 Authentication failed",
      target: "organization",
    });
    expect(JSON.stringify(refused)).not.toContain(wrong);

    await h.core.upstream.set(operatorScope(a.id, "test"), upstreamAt(orgSink, ORG_AUTH));
    expect(await h.core.upstream.test(a.id)).toEqual({ ok: true, target: "organization" });
    expect(await h.core.upstream.test(b.id)).toEqual({ ok: true, target: "server" });
  });

  it("sends through the changed upstream from the next delivery on, and through RELAY_URL once cleared", async () => {
    const other = await startUpstreamSink();
    try {
      await h.core.upstream.set(operatorScope(a.id, "test"), upstreamAt(orgSink, ORG_AUTH));
      await send(h.service.port, a.auth, "before the change");
      await relay().drain();
      await h.core.upstream.set(operatorScope(a.id, "test"), upstreamAt(other, null));
      await send(h.service.port, a.auth, "after the change");
      await relay().drain();
      // The client of the replaced version was closed once its sends were done.
      await orgSink.idle();
      await h.core.upstream.clear(operatorScope(a.id, "test"));
      await send(h.service.port, a.auth, "after clearing");
      await relay().drain();
      // So was the cleared organization's.
      await other.idle();

      expect(subjectsAt(orgSink)).toContain("before the change");
      expect(subjectsAt(other)).toEqual(["after the change"]);
      expect(subjectsAt(serverSink)).toContain("after clearing");
      expect(subjectsAt(orgSink)).not.toContain("after clearing");
      const actions = (await h.core.auditLog.list(a.id, { limit: 100 })).items.map((entry) => entry.action);
      expect(actions).toContain("upstream.cleared");
    } finally {
      await other.close();
    }
  });

  it("refuses to set an upstream without RELAYPOST_SECRET_KEY, naming the variable", async () => {
    const keyless = await h.startRuntime({ keyring: undefined, relay: undefined });
    try {
      await expect(
        keyless.core.upstream.set(operatorScope(b.id, "test"), upstreamAt(orgSink, ORG_AUTH)),
      ).rejects.toThrow(/RELAYPOST_SECRET_KEY/);
      expect((await keyless.core.upstream.get(b.id)).own).toBeNull();
    } finally {
      await keyless.close();
    }
  });

  it("opens passwords sealed with a retired key and reseals them under the new one at maintenance", async () => {
    await h.core.upstream.set(operatorScope(a.id, "test"), upstreamAt(orgSink, ORG_AUTH));
    const rotated = await h.startRuntime({ keyring: new Keyring(randomBytes(32), [key]), relay: undefined });
    try {
      const keyIdOf = async () =>
        (
          await h.database.db
            .select({ keyId: schema.organizationUpstreams.passwordKeyId })
            .from(schema.organizationUpstreams)
        )[0]?.keyId;
      const before = await keyIdOf();
      expect(await rotated.core.upstream.test(a.id)).toEqual({ ok: true, target: "organization" });
      await rotated.runMaintenance();
      expect(await keyIdOf()).not.toBe(before);
      expect(await rotated.core.upstream.test(a.id)).toEqual({ ok: true, target: "organization" });
    } finally {
      await rotated.close();
    }
  });
});

describe("an organization's own upstream on a server without RELAY_URL", () => {
  it("queues only the mail of organizations with an upstream; stored mail is not sent later; queued mail waits once it goes", async () => {
    const sink = await startUpstreamSink({ auth: ORG_AUTH });
    const h = await startHarness({ relay: { background: false }, keyring: new Keyring(randomBytes(32)) });
    try {
      const created = await h.createCredential();
      const b = await secondOrganization(h);
      await h.core.upstream.set(operatorScope(h.organizationId, "test"), upstreamAt(sink, ORG_AUTH));

      const fromA = await send(h.service.port, { user: created.username, pass: created.password }, "A");
      const fromB = await send(h.service.port, b.auth, "B");
      const rows = async () =>
        Object.fromEntries((await h.database.db.select().from(schema.smtpMessages)).map((row) => [row.id, row.status]));
      expect(await rows()).toEqual({ [fromA]: "queued", [fromB]: "stored" });

      await h.core.upstream.set(operatorScope(b.id, "test"), upstreamAt(sink, ORG_AUTH));
      await h.runtime.relay?.drain();

      expect(await rows()).toEqual({ [fromA]: "relayed", [fromB]: "stored" });
      expect(subjectsAt(sink)).toEqual(["A"]);

      // Queued for A's upstream, which is then removed: with no default either, it waits (deferred) for one.
      const late = await send(h.service.port, { user: created.username, pass: created.password }, "late");
      await h.core.upstream.clear(operatorScope(h.organizationId, "test"));
      await h.runtime.relay?.drain();
      const [row] = await h.database.db
        .select()
        .from(schema.smtpMessages)
        .where(sql`${schema.smtpMessages.id} = ${late}`);
      expect(row).toMatchObject({ status: "deferred", lastReply: expect.stringMatching(/^no upstream configured/) });
      expect(subjectsAt(sink)).toEqual(["A"]);
    } finally {
      await h.close();
      await sink.close();
    }
  });
});
