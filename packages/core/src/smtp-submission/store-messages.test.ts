import { randomUUID } from "node:crypto";
import { schema } from "@relaypost/db";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEvents } from "../events/store";
import type { SmtpGrant } from "../smtp-auth/grant";
import { createSmtpAuthFixture, loggedIn, type SmtpAuthFixture, testScope } from "../smtp-auth/test-support";
import { type ReceivedMessage, storeMessages } from "./store-messages";

const credentials = schema.smtpCredentials;

describe("storing a batch of received messages", () => {
  let fixture: SmtpAuthFixture;
  beforeAll(async () => {
    fixture = await createSmtpAuthFixture();
  });
  afterAll(() => fixture.database.destroy());

  function received(
    grant: SmtpGrant,
    from = "app@example.com",
    header = `From: ${from}\r\nSubject: batch`,
  ): ReceivedMessage {
    const head = Buffer.from(`${header}\r\n\r\nhello\r\n`);
    return {
      id: randomUUID(),
      message: { grant, mailFrom: from, rcptTo: ["a@example.org"], body: [], maxBytes: 1024, remoteAddress: null },
      body: { kind: "received", head, parts: 0, size: head.length },
    };
  }

  it("judges each message of one transaction under its own credential and counts only those it stores", async () => {
    const plain = await loggedIn(fixture);
    const revoked = await loggedIn(fixture);
    const limited = await loggedIn(fixture);
    const picky = await loggedIn(fixture);
    await fixture.core.smtpCredentials.setActive(testScope(fixture), revoked.id, false);
    await fixture.database.db.update(credentials).set({ limitPerMinute: 1 }).where(eq(credentials.id, limited.id));
    await fixture.database.db
      .update(credentials)
      .set({ allowedSenders: ["app@example.com"] })
      .where(eq(credentials.id, picky.id));
    const batch = [
      received(plain.grant),
      received(revoked.grant),
      received(limited.grant),
      received(plain.grant),
      received(limited.grant),
      received(picky.grant, "someone@example.net", "From: app@example.com"),
      received(picky.grant, "app@example.com", "From: someone@example.net"),
      received(picky.grant),
    ];

    const { results } = await storeMessages(fixture.database.db, batch, { now: () => new Date(), relaying: true });

    expect(results.map((r) => (r.accepted ? r.status : r.refusal.kind))).toEqual([
      "queued",
      "revoked",
      "queued",
      "queued",
      "rate_limited",
      "sender_not_allowed",
      "sender_not_allowed",
      "queued",
    ]);
    expect(results.slice(5, 7).map((r) => !r.accepted && r.refusal)).toEqual([
      { kind: "sender_not_allowed", where: "envelope", sender: "someone@example.net" },
      { kind: "sender_not_allowed", where: "header", sender: "someone@example.net" },
    ]);
    const stored = await fixture.database.db
      .select({ id: schema.smtpMessages.id })
      .from(schema.smtpMessages)
      .where(
        inArray(
          schema.smtpMessages.id,
          batch.map((item) => item.id),
        ),
      );
    expect(stored.map((row) => row.id).sort()).toEqual(
      [batch[0], batch[2], batch[3], batch[7]].map((i) => i?.id).sort(),
    );
    const counters = await fixture.database.db
      .select({ id: credentials.id, n: credentials.messagesAccepted })
      .from(credentials)
      .where(inArray(credentials.id, [plain.id, revoked.id, limited.id, picky.id]));
    expect(Object.fromEntries(counters.map((c) => [c.id, c.n]))).toEqual({
      [plain.id]: 2,
      [revoked.id]: 0,
      [limited.id]: 1,
      [picky.id]: 1,
    });
  });

  it("commits a message.accepted event with each message it stores, in batch order, and none for a refused one", async () => {
    const { id, grant } = await loggedIn(fixture);
    const revoked = await loggedIn(fixture);
    await fixture.core.smtpCredentials.setActive(testScope(fixture), revoked.id, false);
    const at = new Date("2030-05-01T10:00:00Z");
    const batch = [received(grant), received(revoked.grant), received(grant)];
    const { results, events } = await storeMessages(fixture.database.db, batch, { now: () => at, relaying: true });

    const accepted = results.filter((r) => r.accepted);
    expect(events.map((e) => [e.type, e.credentialId, e.username, e.createdAt, e.data])).toEqual(
      accepted.map((r) => [
        "message.accepted",
        id,
        grant.username,
        at,
        { messageId: r.messageId, size: r.size, recipients: 1, status: "queued" },
      ]),
    );
    expect(events.map((e) => e.data)).toMatchObject([{ messageId: batch[0]?.id }, { messageId: batch[2]?.id }]);
    const committed = await readEvents(fixture.database.db, { afterId: (events[0]?.id ?? 0) - 1, limit: 10 });
    expect(committed.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it("stores as many queued messages claimed under a handoff lease as it has slots, and the rest unclaimed", async () => {
    const { grant } = await loggedIn(fixture);
    const revoked = await loggedIn(fixture);
    await fixture.core.smtpCredentials.setActive(testScope(fixture), revoked.id, false);
    const lease = { token: randomUUID(), expiresAt: new Date("2030-05-01T10:05:00Z"), slots: 2 };
    const batch = [received(revoked.grant), received(grant), received(grant), received(grant)];
    const { handedOff } = await storeMessages(fixture.database.db, batch, {
      now: () => new Date("2030-05-01T10:00:00Z"),
      relaying: true,
      lease,
    });

    expect(handedOff.map((m) => m.id)).toEqual([batch[1]?.id, batch[2]?.id]);
    const rows = await fixture.database.db
      .select({
        id: schema.smtpMessages.id,
        owner: schema.smtpMessages.leaseOwner,
        attempts: schema.smtpMessages.attempts,
      })
      .from(schema.smtpMessages)
      .where(
        inArray(
          schema.smtpMessages.id,
          batch.map((item) => item.id),
        ),
      );
    expect(Object.fromEntries(rows.map((row) => [row.id, [row.owner, row.attempts]]))).toEqual({
      [batch[1]?.id ?? ""]: [lease.token, 1],
      [batch[2]?.id ?? ""]: [lease.token, 1],
      [batch[3]?.id ?? ""]: [null, 0],
    });
  });

  it("hands nothing over of messages it only stores", async () => {
    const { grant } = await loggedIn(fixture);
    const lease = { token: randomUUID(), expiresAt: new Date(), slots: 1 };
    const { handedOff } = await storeMessages(fixture.database.db, [received(grant)], {
      now: () => new Date(),
      relaying: false,
      lease,
    });
    expect(handedOff).toEqual([]);
  });

  it("keeps a subject of at most 500 characters, decoded, and none for a message without one", async () => {
    const { grant } = await loggedIn(fixture);
    const long = received(grant, "app@example.com", `Subject: ${"é".repeat(600)}`);
    const none = received(grant, "app@example.com", "From: app@example.com");
    await storeMessages(fixture.database.db, [long, none], { now: () => new Date(), relaying: false });
    const rows = await fixture.database.db
      .select({ id: schema.smtpMessages.id, subject: schema.smtpMessages.subject })
      .from(schema.smtpMessages)
      .where(inArray(schema.smtpMessages.id, [long.id, none.id]));
    expect(Object.fromEntries(rows.map((row) => [row.id, row.subject]))).toEqual({
      [long.id]: "é".repeat(500),
      [none.id]: null,
    });
  });

  it("writes nothing for a batch whose every message is refused", async () => {
    const revoked = await loggedIn(fixture);
    await fixture.core.smtpCredentials.setActive(testScope(fixture), revoked.id, false);
    const item = received(revoked.grant);
    const { results, events } = await storeMessages(fixture.database.db, [item], {
      now: () => new Date(),
      relaying: false,
    });
    expect(results).toEqual([{ accepted: false, refusal: { kind: "revoked" } }]);
    expect(events).toEqual([]);
    const stored = await fixture.database.db
      .select()
      .from(schema.smtpMessages)
      .where(eq(schema.smtpMessages.id, item.id));
    expect(stored).toEqual([]);
  });
  it("queues the mail of an organization with its own upstream without a server upstream, handed over at its version", async () => {
    const { grant } = await loggedIn(fixture);
    const [upstream] = await fixture.database.db
      .insert(schema.organizationUpstreams)
      .values({
        organizationId: grant.organizationId,
        host: "mail.example.net",
        port: 587,
        tls: "starttls",
        tlsVerify: true,
      })
      .returning({ version: schema.organizationUpstreams.version });
    try {
      const lease = { token: randomUUID(), expiresAt: new Date(), slots: 1 };
      const item = received(grant);
      const { results, handedOff } = await storeMessages(fixture.database.db, [item], {
        now: () => new Date(),
        relaying: false,
        lease,
      });
      expect(results).toMatchObject([{ accepted: true, status: "queued" }]);
      expect(handedOff.map((m) => [m.id, m.upstreamVersion])).toEqual([[item.id, upstream?.version]]);
    } finally {
      await fixture.database.db
        .delete(schema.organizationUpstreams)
        .where(eq(schema.organizationUpstreams.organizationId, grant.organizationId));
    }
  });
});
