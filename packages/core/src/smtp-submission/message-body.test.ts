import { randomUUID } from "node:crypto";
import { schema } from "@relaypost/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SmtpGrant } from "../smtp-auth/grant";
import { createSmtpAuthFixture, loggedIn, type SmtpAuthFixture, testScope } from "../smtp-auth/test-support";
import { openBody, pruneOrphanParts, readBodyPrefix, receiveBody } from "./message-body";
import { createMessageIntake } from "./message-intake";

const SEGMENT = 64;
const HEADERS = "Message-ID: <big@example.com>\r\nSubject: big\r\n\r\n";
/** A message of many 64-byte segments, every byte value in it so nothing is re-encoded unnoticed. */
const BIG = Buffer.concat([
  Buffer.from(HEADERS, "latin1"),
  Buffer.from(Array.from({ length: 1_000 }, (_, n) => n % 256)),
]);

/** The body in chunks of uneven sizes, as a socket delivers it, noting how much of it was read. */
function chunked(raw: Buffer, sizes = [7, 100, 1, 64, 300]) {
  const read = { bytes: 0 };
  async function* chunks() {
    let at = 0;
    for (let n = 0; at < raw.length; n++) {
      const next = raw.subarray(at, at + (sizes[n % sizes.length] ?? 1));
      at += next.length;
      read.bytes = at;
      yield next;
    }
  }
  return { body: chunks(), read };
}

async function streamed(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const chunk of stream) all.push(chunk);
  return Buffer.concat(all);
}

describe("message bodies stored in segments", () => {
  let fixture: SmtpAuthFixture;
  beforeAll(async () => {
    fixture = await createSmtpAuthFixture();
  });
  afterAll(() => fixture.database.destroy());

  const db = () => fixture.database.db;
  const partsOf = (id: string) =>
    db()
      .select({ seq: schema.smtpMessageParts.seq })
      .from(schema.smtpMessageParts)
      .where(eq(schema.smtpMessageParts.messageId, id))
      .orderBy(schema.smtpMessageParts.seq);
  const allParts = async () =>
    Number((await db().select({ n: sql<number>`count(*)` }).from(schema.smtpMessageParts))[0]?.n);

  const incoming = (g: SmtpGrant, body: AsyncIterable<Uint8Array>, maxBytes = 1024 * 1024) => ({
    grant: g,
    mailFrom: "app@example.com",
    rcptTo: ["a@example.org"],
    body,
    maxBytes,
    remoteAddress: null,
  });

  it("stores a large body as a first segment and numbered parts, and streams it back byte for byte", async () => {
    const { grant: g } = await loggedIn(fixture);
    const result = await createMessageIntake(db(), { segmentBytes: SEGMENT }).accept(incoming(g, chunked(BIG).body));
    if (!result.accepted) throw new Error("refused");
    expect(result.size).toBe(BIG.length);
    const [row] = await db().select().from(schema.smtpMessages).where(eq(schema.smtpMessages.id, result.messageId));
    if (!row) throw new Error("not stored");
    expect(row.size).toBe(BIG.length);
    expect(row.subject).toBe("big");
    expect(row.parts).toBeGreaterThan(3);
    expect((await partsOf(row.id)).map((p) => p.seq)).toEqual(Array.from({ length: row.parts }, (_, n) => n + 1));
    const replayed = await streamed(openBody(db(), { id: row.id, head: row.raw, parts: row.parts }));
    expect(replayed.equals(BIG)).toBe(true);
    const prefix = await readBodyPrefix(db(), { id: row.id, head: row.raw, parts: row.parts }, 500);
    expect(prefix.equals(BIG.subarray(0, 500))).toBe(true);
  });

  it("keeps a body that fits one segment in the message row alone", async () => {
    const { grant: g } = await loggedIn(fixture);
    const small = Buffer.from(`${HEADERS}short\r\n`, "latin1");
    const result = await createMessageIntake(db(), { segmentBytes: SEGMENT }).accept(incoming(g, chunked(small).body));
    if (!result.accepted) throw new Error("refused");
    const [row] = await db().select().from(schema.smtpMessages).where(eq(schema.smtpMessages.id, result.messageId));
    expect(row?.parts).toBe(0);
    expect(row?.raw.equals(small)).toBe(true);
  });

  it("takes a body of exactly the size limit", async () => {
    const { grant: g } = await loggedIn(fixture);
    const result = await createMessageIntake(db(), { segmentBytes: SEGMENT }).accept(
      incoming(g, chunked(BIG).body, BIG.length),
    );
    expect(result).toMatchObject({ accepted: true, size: BIG.length });
  });

  it("stores whole segments only: no empty part when the body ends on a segment's end, the rest when it does not", async () => {
    for (const extra of [0, 5]) {
      const body = BIG.subarray(0, SEGMENT * 6 + extra);
      const id = randomUUID();
      const received = await receiveBody(db(), id, chunked(body, [SEGMENT]).body, {
        maxBytes: 1024 * 1024,
        segmentBytes: SEGMENT,
      });
      if (received.kind !== "received") throw new Error("refused");
      expect(received.parts).toBe(extra === 0 ? 5 : 6);
      const replayed = await streamed(openBody(db(), { id, head: received.head, parts: received.parts }));
      expect(replayed.equals(body)).toBe(true);
    }
  });

  it("refuses a body past the size limit after reading it to the end, and leaves none of it stored", async () => {
    const { grant: g } = await loggedIn(fixture);
    const before = await allParts();
    const { body, read } = chunked(BIG);
    const result = await createMessageIntake(db(), { segmentBytes: SEGMENT }).accept(incoming(g, body, 600));
    expect(result).toEqual({ accepted: false, refusal: { kind: "too_big" } });
    expect(read.bytes).toBe(BIG.length);
    expect(await allParts()).toBe(before);
  });

  it("refuses a message whose header section does not end within the first segment", async () => {
    const { grant: g } = await loggedIn(fixture);
    const before = await allParts();
    const headers = Buffer.from(`Subject: ${"x".repeat(200)}\r\nFrom: someone@example.net\r\n\r\nbody`, "latin1");
    const { body, read } = chunked(Buffer.concat([headers, BIG]));
    const result = await createMessageIntake(db(), { segmentBytes: SEGMENT }).accept(incoming(g, body));
    expect(result).toEqual({ accepted: false, refusal: { kind: "header_too_large" } });
    expect(read.bytes).toBe(headers.length + BIG.length);
    expect(await allParts()).toBe(before);
  });

  it("deletes the parts of a message refused once received, here from a session whose credential was revoked", async () => {
    const { id, grant: g } = await loggedIn(fixture);
    await fixture.core.smtpCredentials.setActive(testScope(fixture), id, false);
    const before = await allParts();
    const result = await createMessageIntake(db(), { segmentBytes: SEGMENT }).accept(incoming(g, chunked(BIG).body));
    expect(result).toEqual({ accepted: false, refusal: { kind: "revoked" } });
    expect(await allParts()).toBe(before);
  });

  it("reads the whole body even when storing it fails, then reports the fault", async () => {
    const { body, read } = chunked(BIG);
    // Not a uuid: the first part's insert fails.
    await expect(
      receiveBody(db(), "not-a-uuid", body, { maxBytes: 1024 * 1024, segmentBytes: SEGMENT }),
    ).rejects.toThrow();
    expect(read.bytes).toBe(BIG.length);
  });

  it("fails a stream whose part is missing instead of sending a body with a hole", async () => {
    const id = randomUUID();
    const received = await receiveBody(db(), id, chunked(BIG, [SEGMENT]).body, {
      maxBytes: 1024 * 1024,
      segmentBytes: SEGMENT,
    });
    if (received.kind !== "received") throw new Error("refused");
    await db()
      .delete(schema.smtpMessageParts)
      .where(sql`${schema.smtpMessageParts.messageId} = ${id} and ${schema.smtpMessageParts.seq} = 2`);
    await expect(streamed(openBody(db(), { id, head: received.head, parts: received.parts }))).rejects.toThrow(
      /lost part 2/,
    );
    // A prefix that the parts before the lost one hold reads no further.
    const upToPart1 = received.head.length + SEGMENT;
    const prefix = await readBodyPrefix(db(), { id, head: received.head, parts: received.parts }, upToPart1);
    expect(prefix.equals(BIG.subarray(0, upToPart1))).toBe(true);
  });

  it("drops the parts with the body at the body retention", async () => {
    const { grant: g } = await loggedIn(fixture);
    let clock = new Date("2001-01-01T00:00:00Z");
    const intake = createMessageIntake(db(), {
      segmentBytes: SEGMENT,
      retentionMs: 10 * 60_000,
      bodyRetentionMs: 60_000,
      now: () => clock,
    });
    const result = await intake.accept(incoming(g, chunked(BIG).body));
    if (!result.accepted) throw new Error("refused");
    expect((await partsOf(result.messageId)).length).toBeGreaterThan(0);
    clock = new Date("2001-01-01T00:02:00Z");
    await intake.prune();
    expect(await partsOf(result.messageId)).toEqual([]);
    const [row] = await db().select().from(schema.smtpMessages).where(eq(schema.smtpMessages.id, result.messageId));
    expect(row).toMatchObject({ parts: 0, size: BIG.length, bodyPrunedAt: clock });
  });

  it("prunes old parts that no message owns and keeps recent ones and those of stored messages", async () => {
    const { grant: g } = await loggedIn(fixture);
    const kept = await createMessageIntake(db(), { segmentBytes: SEGMENT }).accept(incoming(g, chunked(BIG).body));
    if (!kept.accepted) throw new Error("refused");
    const orphan = randomUUID();
    const another = randomUUID();
    for (const id of [orphan, another]) {
      await receiveBody(db(), id, chunked(BIG).body, { maxBytes: 1024 * 1024, segmentBytes: SEGMENT });
    }
    const storedParts = (await partsOf(kept.messageId)).length;
    const orphanParts = (await partsOf(orphan)).length;
    expect(orphanParts).toBeGreaterThan(0);

    expect(await pruneOrphanParts(db(), new Date(Date.now() - 60_000), 1)).toBe(0);
    expect((await partsOf(orphan)).length).toBe(orphanParts);

    expect(await pruneOrphanParts(db(), new Date(Date.now() + 60_000), 1)).toBeGreaterThanOrEqual(orphanParts);
    expect(await partsOf(orphan)).toEqual([]);
    expect(await partsOf(another)).toEqual([]);
    expect((await partsOf(kept.messageId)).length).toBe(storedParts);
  });
});
