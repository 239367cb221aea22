import { systemActor } from "@relaypost/core";
import { schema } from "@relaypost/db";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ZodError } from "zod";
import {
  type ApiHarness,
  type Caller,
  createApiHarness,
  failure,
  fieldErrors,
  type TestOrganization,
} from "../testing";

const HOUR = 60 * 60_000;

describe("messages", () => {
  let h: ApiHarness;
  let org: TestOrganization;
  let other: TestOrganization;
  let viewer: Caller["messages"];
  let alpha: string;
  let beta: string;
  let foreign: string;
  const ids: Record<string, string> = {};

  /** A message as intake and the workers leave it; written directly, this suite is about reading them. */
  async function message(
    name: string,
    organizationId: string,
    credentialId: string,
    hoursAgo: number,
    status: "queued" | "relayed" | "deferred" | "failed" | "stored",
  ) {
    const [row] = await h.database.db
      .insert(schema.smtpMessages)
      .values({
        organizationId,
        credentialId,
        mailFrom: "app@example.com",
        rcptTo: [`${name}@example.org`],
        size: 42,
        raw: Buffer.from(`Subject: ${name}\r\n\r\nsecret body of ${name}\r\n`),
        subject: name,
        status,
        attempts: status === "queued" || status === "stored" ? 0 : 1,
        lastReply: status === "failed" ? "550 5.1.1 No such user" : null,
        recipients: [{ address: `${name}@example.org`, state: "pending", reply: null }],
        createdAt: new Date(Date.now() - hoursAgo * HOUR),
      })
      .returning({ id: schema.smtpMessages.id });
    ids[name] = row?.id ?? "";
  }

  beforeAll(async () => {
    h = await createApiHarness();
  });
  afterAll(() => h.destroy());
  // Purging and pruning change the log, so each test reads a log of its own.
  beforeEach(async () => {
    org = await h.createOrganization();
    other = await h.createOrganization();
    const member = await h.addMember(org.id, "viewer");
    viewer = (await h.asSession(member.sessionToken, org.id)).messages;
    const scope = { organizationId: org.id, actor: systemActor("test") };
    alpha = (await h.core.smtpCredentials.create(scope, {})).credential.id;
    beta = (await h.core.smtpCredentials.create(scope, {})).credential.id;
    foreign = (await h.core.smtpCredentials.create({ organizationId: other.id, actor: systemActor("test") }, {}))
      .credential.id;
    await message("a1", org.id, alpha, 1, "relayed");
    await message("a2", org.id, alpha, 2, "failed");
    await message("a3", org.id, alpha, 30, "relayed");
    await message("b1", org.id, beta, 3, "deferred");
    await message("b2", org.id, beta, 24 * 8, "stored");
    await message("x1", other.id, foreign, 1, "relayed");
  });

  it("lists the organization's messages newest first, with envelope and delivery state but never the body", async () => {
    const { items, nextCursor } = await viewer.list();
    expect(items.map((m) => m.subject)).toEqual(["a1", "a2", "b1", "a3", "b2"]);
    expect(nextCursor).toBeNull();
    expect(items[1]).toMatchObject({
      id: ids.a2,
      credentialId: alpha,
      mailFrom: "app@example.com",
      rcptTo: ["a2@example.org"],
      size: 42,
      status: "failed",
      attempts: 1,
      lastReply: "550 5.1.1 No such user",
      relayedAt: null,
    });
    expect(items[1]?.createdAt).toBeInstanceOf(Date);
    expect(JSON.stringify(items)).not.toContain("secret body");
    expect(Object.keys(items[0] ?? {})).not.toContain("raw");
  });

  it("filters by credential and by status, and pages with a cursor", async () => {
    expect((await viewer.list({ credentialId: beta })).items.map((m) => m.subject)).toEqual(["b1", "b2"]);
    expect((await viewer.list({ status: "relayed" })).items.map((m) => m.subject)).toEqual(["a1", "a3"]);
    expect((await viewer.list({ credentialId: alpha, status: "failed" })).items.map((m) => m.subject)).toEqual(["a2"]);
    const first = await viewer.list({ limit: 2 });
    expect(first.items.map((m) => m.subject)).toEqual(["a1", "a2"]);
    const second = await viewer.list({ limit: 2, cursor: first.nextCursor });
    expect(second.items.map((m) => m.subject)).toEqual(["b1", "a3"]);
    const third = await viewer.list({ limit: 2, cursor: second.nextCursor });
    expect(third).toEqual({ items: [expect.objectContaining({ subject: "b2" })], nextCursor: null });
  });

  it("filters by recipient, ignoring case, and by the time a message was accepted", async () => {
    expect((await viewer.list({ recipient: "A2@Example.org" })).items.map((m) => m.subject)).toEqual(["a2"]);
    expect((await viewer.list({ recipient: "nobody@example.org" })).items).toEqual([]);
    const hoursAgo = (n: number) => new Date(Date.now() - n * HOUR);
    expect((await viewer.list({ since: hoursAgo(2.5) })).items.map((m) => m.subject)).toEqual(["a1", "a2"]);
    expect((await viewer.list({ until: hoursAgo(2.5) })).items.map((m) => m.subject)).toEqual(["b1", "a3", "b2"]);
    expect((await viewer.list({ since: hoursAgo(48), until: hoursAgo(2.5) })).items.map((m) => m.subject)).toEqual([
      "b1",
      "a3",
    ]);
  });

  it("shows nothing of another organization, even when asked for its credential", async () => {
    expect((await viewer.list({ credentialId: foreign })).items).toEqual([]);
    const counts = await viewer.countsByCredential();
    expect(counts.map((c) => c.credentialId)).not.toContain(foreign);
  });

  it("refuses a cursor it did not issue, a status that does not exist and a time PostgreSQL cannot hold", async () => {
    await expect(viewer.list({ cursor: "not-a-cursor" })).rejects.toBeInstanceOf(TRPCError);
    const forged = await failure(viewer.list({ cursor: "not-a-cursor" }));
    expect(forged.code).toBe("BAD_REQUEST");
    expect((forged.cause as ZodError).issues).toEqual([
      expect.objectContaining({ code: "custom", path: ["cursor"], message: "Invalid cursor" }),
    ]);
    expect(await fieldErrors(viewer.list({ cursor: "not-a-cursor" }))).toEqual({ cursor: ["Invalid cursor"] });
    await expect(viewer.list({ status: "sent" as "relayed" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(viewer.list({ since: new Date(8.64e15) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("counts each credential's messages of the last 24 hours and 7 days", async () => {
    const counts = await viewer.countsByCredential();
    expect(counts).toHaveLength(2);
    expect(counts).toEqual(
      expect.arrayContaining([
        { credentialId: alpha, last24h: 2, last7d: 3 },
        { credentialId: beta, last24h: 1, last7d: 1 },
      ]),
    );
  });

  it("gives admins a message's source, cut at 1 MiB, and none once the body retention dropped it", async () => {
    const admin = (await h.asSession(org.owner.sessionToken, org.id)).messages;
    const one = await admin.source({ id: ids.a2 ?? "" });
    expect(one).toEqual({
      message: expect.objectContaining({ id: ids.a2, subject: "a2", status: "failed" }),
      source: "Subject: a2\r\n\r\nsecret body of a2\r\n",
      truncated: false,
    });

    // Stored as intake stores it: a first segment in the row, the rest in numbered parts.
    const big = Buffer.concat([Buffer.from("Subject: big\r\n\r\n"), Buffer.alloc(1536 * 1024, "y")]);
    const segments = Array.from({ length: 6 }, (_, n) => big.subarray(n * 256 * 1024, (n + 1) * 256 * 1024));
    const [large] = await h.database.db
      .insert(schema.smtpMessages)
      .values({
        organizationId: org.id,
        mailFrom: "a@example.com",
        rcptTo: ["b@example.org"],
        size: big.length,
        raw: segments[0] ?? Buffer.alloc(0),
        parts: segments.length - 1,
      })
      .returning({ id: schema.smtpMessages.id });
    await h.database.db
      .insert(schema.smtpMessageParts)
      .values(segments.slice(1).map((data, n) => ({ messageId: large?.id ?? "", seq: n + 1, data })));
    const cut = await admin.source({ id: large?.id ?? "" });
    expect(cut.truncated).toBe(true);
    expect(cut.source).toBe(big.subarray(0, 1024 * 1024).toString());
    await h.database.db.delete(schema.smtpMessages).where(eq(schema.smtpMessages.id, large?.id ?? ""));

    await h.database.db
      .update(schema.smtpMessages)
      .set({ raw: Buffer.alloc(0), bodyPrunedAt: new Date() })
      .where(eq(schema.smtpMessages.id, ids.a3 ?? ""));
    expect(await admin.source({ id: ids.a3 ?? "" })).toMatchObject({ source: null, truncated: false });
    await expect(admin.source({ id: crypto.randomUUID() })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("purges the organization's log, keeps mail still waiting for delivery and other organizations' mail, and audits it", async () => {
    await message("q1", org.id, alpha, 1, "queued");
    const parts = schema.smtpMessageParts;
    await h.database.db.insert(parts).values({ messageId: ids.a1 ?? "", seq: 1, data: Buffer.from("rest of a1") });
    const admin = (await h.asSession(org.owner.sessionToken, org.id)).messages;
    expect(await admin.purge()).toEqual({ deleted: 4 });
    expect(
      await h.database.db
        .select()
        .from(parts)
        .where(eq(parts.messageId, ids.a1 ?? "")),
    ).toEqual([]);
    expect((await viewer.list()).items.map((m) => [m.subject, m.status])).toEqual([
      ["q1", "queued"],
      ["b1", "deferred"],
    ]);
    const owner = await h.asSession(other.owner.sessionToken, other.id);
    expect((await owner.messages.list()).items.map((m) => m.subject)).toEqual(["x1"]);
    const audit = await (await h.asSession(org.owner.sessionToken, org.id)).auditLog.list();
    expect(audit.items[0]).toMatchObject({ action: "messages.purged", metadata: { deleted: 4 } });
  });
});
