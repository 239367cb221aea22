import { randomUUID } from "node:crypto";
import { schema } from "@relaypost/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClaimedMessage, claimDue, type DeliveryHandoff } from "../relay/outbox";
import type { SmtpGrant } from "../smtp-auth/grant";
import { createSmtpAuthFixture, loggedIn, type SmtpAuthFixture, testScope } from "../smtp-auth/test-support";
import { createMessageIntake } from "./message-intake";

describe("message intake", () => {
  let fixture: SmtpAuthFixture;
  beforeAll(async () => {
    fixture = await createSmtpAuthFixture();
  });
  afterAll(() => fixture.database.destroy());

  const counterOf = async (id: string) =>
    (
      await fixture.database.db
        .select({ n: schema.smtpCredentials.messagesAccepted, updatedAt: schema.smtpCredentials.updatedAt })
        .from(schema.smtpCredentials)
        .where(eq(schema.smtpCredentials.id, id))
    )[0];

  const RAW = Buffer.from("Message-ID: <m1@example.com>\r\nSubject: hi\r\n\r\nhello \xff\r\n", "latin1");
  const message = (grant: SmtpGrant, raw = RAW) => ({
    grant,
    mailFrom: "app@example.com",
    rcptTo: ["a@example.org", "b@example.org"],
    body: [raw],
    maxBytes: 1024 * 1024,
    remoteAddress: "192.0.2.1",
  });

  it("stores the message with its metadata and raw bytes and counts it for the credential", async () => {
    const { id, grant } = await loggedIn(fixture);
    const before = await counterOf(id);
    const result = await createMessageIntake(fixture.database.db).accept(message(grant));
    if (!result.accepted) throw new Error("refused");
    const [stored] = await fixture.database.db
      .select()
      .from(schema.smtpMessages)
      .where(eq(schema.smtpMessages.id, result.messageId));
    expect(stored).toMatchObject({
      organizationId: fixture.organizationId,
      credentialId: id,
      mailFrom: "app@example.com",
      rcptTo: ["a@example.org", "b@example.org"],
      size: RAW.length,
      remoteAddress: "192.0.2.1",
      messageIdHeader: "<m1@example.com>",
      subject: "hi",
      status: "stored",
      nextAttemptAt: null,
    });
    expect(stored?.raw.equals(RAW)).toBe(true);
    const after = await counterOf(id);
    expect(after?.n).toBe(1);
    expect(after?.updatedAt).toEqual(before?.updatedAt);
  });

  it("queues the message for the upstream when relaying, due at once, with every recipient pending", async () => {
    const { grant } = await loggedIn(fixture);
    const at = new Date("2001-02-03T04:05:06Z");
    const result = await createMessageIntake(fixture.database.db, { relaying: true, now: () => at }).accept(
      message(grant),
    );
    if (!result.accepted) throw new Error("refused");
    expect(result.status).toBe("queued");
    const [stored] = await fixture.database.db
      .select()
      .from(schema.smtpMessages)
      .where(eq(schema.smtpMessages.id, result.messageId));
    expect(stored).toMatchObject({
      status: "queued",
      nextAttemptAt: at,
      attempts: 0,
      recipients: [
        { address: "a@example.org", state: "pending", reply: null },
        { address: "b@example.org", state: "pending", reply: null },
      ],
    });
  });

  it("writes what its process has pending first, then hands the committed events to onCommitted", async () => {
    const { grant } = await loggedIn(fixture);
    const rowsOf = () =>
      fixture.database.db
        .select({ id: schema.smtpMessages.id })
        .from(schema.smtpMessages)
        .where(eq(schema.smtpMessages.credentialId, grant.credentialId));
    const seen: string[] = [];
    const intake = createMessageIntake(fixture.database.db, {
      beforeStore: async () => {
        seen.push(`before store: ${(await rowsOf()).length} rows`);
      },
      onCommitted: (events) => seen.push(...events.map((e) => `${e.type} ${e.id > 0}`)),
    });
    const result = await intake.accept(message(grant));
    expect(result.accepted).toBe(true);
    expect(seen).toEqual(["before store: 0 rows", "message.accepted true"]);
  });

  it("accepts a committed message even when the listener of its events fails, and reports the fault", async () => {
    const { grant } = await loggedIn(fixture);
    const faults: unknown[] = [];
    const fault = new Error("listener");
    const intake = createMessageIntake(fixture.database.db, {
      onCommitted: () => {
        throw fault;
      },
      onError: (error) => faults.push(error),
    });
    expect((await intake.accept(message(grant))).accepted).toBe(true);
    expect(faults).toEqual([fault]);
    const unreported = createMessageIntake(fixture.database.db, {
      onCommitted: () => {
        throw fault;
      },
    });
    expect((await unreported.accept(message(grant))).accepted).toBe(true);
  });

  /** A handoff whose workers have `free.slots` free, recording what it is given. */
  function recordingHandoff(slots: number) {
    const lease = { token: randomUUID(), expiresAt: new Date("1990-01-01T00:05:00Z"), slots };
    const free = { slots };
    const handedOver: { messages: readonly ClaimedMessage[]; unused: number }[] = [];
    const handoff: DeliveryHandoff = {
      reserve: (n) => (free.slots > 0 ? { ...lease, slots: Math.min(n, free.slots) } : undefined),
      handOver: (messages, unused) => handedOver.push({ messages, unused }),
    };
    return { lease, free, handedOver, handoff };
  }

  it("stores a queued message claimed by this process's workers and hands them the message as a claim gives it", async () => {
    const { grant } = await loggedIn(fixture);
    // Earlier than any other message of this file, so the claims below can find only this one.
    const at = new Date("1990-01-01T00:00:00Z");
    const { lease, handedOver, handoff } = recordingHandoff(1);
    const intake = createMessageIntake(fixture.database.db, { relaying: true, now: () => at, handoff });
    const result = await intake.accept(message(grant));
    if (!result.accepted) throw new Error("refused");

    const [row] = await fixture.database.db
      .select()
      .from(schema.smtpMessages)
      .where(eq(schema.smtpMessages.id, result.messageId));
    expect(row).toMatchObject({ leaseOwner: lease.token, leaseExpiresAt: lease.expiresAt, attempts: 1 });
    expect(await claimDue(fixture.database.db, { limit: 10, now: at, leaseMs: 1 })).toEqual([]);
    const [claimed] = await claimDue(fixture.database.db, { limit: 10, now: lease.expiresAt, leaseMs: 1 });
    expect(handedOver).toEqual([{ messages: [{ ...claimed, attempts: 1, lease: lease.token }], unused: 0 }]);
  });

  it("gives back the slots of refused messages, and wakes the workers for a queued message they had no slot for", async () => {
    const { grant } = await loggedIn(fixture);
    const revoked = await loggedIn(fixture);
    await fixture.core.smtpCredentials.setActive(testScope(fixture), revoked.id, false);
    const { free, handedOver, handoff } = recordingHandoff(1);
    let wakes = 0;
    const intake = createMessageIntake(fixture.database.db, { relaying: true, handoff, onQueued: () => wakes++ });

    await intake.accept(message(grant));
    await intake.accept(message(revoked.grant));
    expect([handedOver.map((h) => [h.messages.length, h.unused]), wakes]).toEqual([
      [
        [1, 0],
        [0, 1],
      ],
      0,
    ]);
    free.slots = 0;
    await intake.accept(message(grant));
    expect(wakes).toBe(1);
    const storing = createMessageIntake(fixture.database.db, { onQueued: () => wakes++ });
    await storing.accept(message(grant));
    expect(wakes).toBe(1);
  });

  it("gives every reserved slot back when the store fails", async () => {
    const { grant } = await loggedIn(fixture);
    const { handedOver, handoff } = recordingHandoff(3);
    const intake = createMessageIntake(fixture.database.db, {
      relaying: true,
      handoff,
      beforeStore: async () => {},
    });
    const failing = { ...message(grant), rcptTo: ["a@example.org", "\u0000"] };
    await expect(intake.accept(failing)).rejects.toThrow();
    expect(handedOver).toEqual([{ messages: [], unused: 1 }]);
  });

  it("fails a store with the database's error whether or not workers took slots for it", async () => {
    const { grant } = await loggedIn(fixture);
    const { free, handoff } = recordingHandoff(0);
    free.slots = 0;
    const failing = { ...message(grant), rcptTo: ["a@example.org", "\u0000"] };
    for (const intake of [
      createMessageIntake(fixture.database.db, { relaying: true }),
      createMessageIntake(fixture.database.db, { relaying: true, handoff }),
    ]) {
      await expect(intake.accept(failing)).rejects.not.toBeInstanceOf(TypeError);
    }
  });

  it("adds a Message-ID to a message without one, before its first line, from the sender's domain", async () => {
    const { grant } = await loggedIn(fixture);
    const raw = Buffer.from("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n\r\nbody\r\n");
    const result = await createMessageIntake(fixture.database.db).accept(message(grant, raw));
    if (!result.accepted) throw new Error("refused");
    const [stored] = await fixture.database.db
      .select()
      .from(schema.smtpMessages)
      .where(eq(schema.smtpMessages.id, result.messageId));
    expect(stored?.messageIdHeader).toMatch(/^<[0-9a-f-]{36}@example\.com>$/);
    expect(stored?.raw.toString()).toBe(`Message-ID: ${stored?.messageIdHeader}\r\n${raw.toString()}`);
    expect(stored?.size).toBe(stored?.raw.length);
    expect(stored?.subject).toBe("Grüße");
  });

  it.each([
    ["deactivated", (id: string) => fixture.core.smtpCredentials.setActive(testScope(fixture), id, false)],
    ["regenerated", (id: string) => fixture.core.smtpCredentials.regeneratePassword(testScope(fixture), id)],
    ["deleted", (id: string) => fixture.core.smtpCredentials.delete(testScope(fixture), id)],
  ])("refuses a message from a session whose credential was %s", async (_, revoke) => {
    const { id, grant } = await loggedIn(fixture);
    await revoke(id);
    expect(await createMessageIntake(fixture.database.db).accept(message(grant))).toEqual({
      accepted: false,
      refusal: { kind: "revoked" },
    });
    const stored = await fixture.database.db
      .select({ id: schema.smtpMessages.id })
      .from(schema.smtpMessages)
      .where(eq(schema.smtpMessages.credentialId, id));
    expect(stored).toEqual([]);
  });

  it("prunes messages past the retention period, in batches, and keeps the rest", async () => {
    const { grant } = await loggedIn(fixture);
    let clock = new Date("2000-01-01T00:00:00Z");
    const intake = createMessageIntake(fixture.database.db, { retentionMs: 60_000, pruneBatch: 2, now: () => clock });
    const old = [];
    for (let n = 0; n < 5; n++) old.push(await intake.accept(message(grant)));
    clock = new Date("2000-01-01T00:00:59Z");
    const recent = await intake.accept(message(grant));
    clock = new Date("2000-01-01T00:01:30Z");
    expect((await intake.prune()).deleted).toBe(5);
    const left = await fixture.database.db
      .select({ id: schema.smtpMessages.id })
      .from(schema.smtpMessages)
      .where(eq(schema.smtpMessages.credentialId, grant.credentialId));
    expect(left.map((r) => r.id)).toEqual([recent.accepted ? recent.messageId : "missing"]);
    expect(old.every((r) => r.accepted)).toBe(true);
  });

  it("keeps messages still waiting for delivery past the retention period", async () => {
    const { grant } = await loggedIn(fixture);
    let clock = new Date("2000-02-01T00:00:00Z");
    const stored = createMessageIntake(fixture.database.db, { retentionMs: 60_000, now: () => clock });
    const queued = createMessageIntake(fixture.database.db, { retentionMs: 60_000, now: () => clock, relaying: true });
    await stored.accept(message(grant));
    const waiting = await queued.accept(message(grant));
    clock = new Date("2000-02-01T00:05:00Z");
    expect((await stored.prune()).deleted).toBeGreaterThanOrEqual(1);
    const left = await fixture.database.db
      .select({ id: schema.smtpMessages.id, status: schema.smtpMessages.status, raw: schema.smtpMessages.raw })
      .from(schema.smtpMessages)
      .where(eq(schema.smtpMessages.credentialId, grant.credentialId));
    expect(left).toEqual([{ id: waiting.accepted ? waiting.messageId : "missing", status: "queued", raw: RAW }]);
  });

  it("drops bodies past the body retention and keeps their metadata until the message retention", async () => {
    const { grant } = await loggedIn(fixture);
    let clock = new Date("2000-03-01T00:00:00Z");
    const intake = createMessageIntake(fixture.database.db, {
      retentionMs: 10 * 60_000,
      bodyRetentionMs: 60_000,
      pruneBatch: 2,
      now: () => clock,
    });
    const accepted = [];
    for (let n = 0; n < 3; n++) accepted.push(await intake.accept(message(grant)));
    const rows = () =>
      fixture.database.db
        .select({
          raw: schema.smtpMessages.raw,
          size: schema.smtpMessages.size,
          subject: schema.smtpMessages.subject,
          bodyPrunedAt: schema.smtpMessages.bodyPrunedAt,
        })
        .from(schema.smtpMessages)
        .where(eq(schema.smtpMessages.credentialId, grant.credentialId));

    clock = new Date("2000-03-01T00:00:30Z");
    await intake.prune();
    expect((await rows()).map((r) => r.raw.length)).toEqual(Array(3).fill(RAW.length));

    clock = new Date("2000-03-01T00:02:00Z");
    expect((await intake.prune()).bodiesDropped).toBeGreaterThanOrEqual(3);
    expect(await rows()).toEqual(
      Array(3).fill({ raw: Buffer.alloc(0), size: RAW.length, subject: "hi", bodyPrunedAt: clock }),
    );

    clock = new Date("2000-03-01T00:11:00Z");
    await intake.prune();
    expect(await rows()).toEqual([]);
    expect(accepted.every((r) => r.accepted)).toBe(true);
  });
});
