import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeKeysetCursor, encodeKeysetCursor } from "./keyset-cursor";

const opaque = (content: unknown) => Buffer.from(JSON.stringify(content)).toString("base64url");

describe("keyset cursors", () => {
  it("read back as the position they were made from, as URL-safe text", () => {
    const row = { createdAt: new Date("2026-03-01T12:34:56.789Z"), id: randomUUID() };
    const cursor = encodeKeysetCursor(row);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeKeysetCursor(cursor)).toEqual(row);
  });

  it("take the epoch itself, the earliest time a cursor may name", () => {
    const row = { createdAt: new Date(0), id: randomUUID() };
    expect(decodeKeysetCursor(encodeKeysetCursor(row))).toEqual(row);
  });

  it("refuse a time before the epoch, or past what PostgreSQL takes", () => {
    const id = randomUUID();
    expect(decodeKeysetCursor(encodeKeysetCursor({ createdAt: new Date(-1), id }))).toBeUndefined();
    expect(decodeKeysetCursor(opaque(["1969-12-31T23:59:59.999Z", id]))).toBeUndefined();
    expect(
      decodeKeysetCursor(encodeKeysetCursor({ createdAt: new Date("+010000-01-01T00:00:00Z"), id })),
    ).toBeUndefined();
  });

  it("refuse what this server could not have issued", () => {
    const at = "2026-03-01T12:34:56.789Z";
    for (const cursor of [
      "",
      "%%%",
      Buffer.from("not json").toString("base64url"),
      opaque({ createdAt: at, id: randomUUID() }),
      opaque([at]),
      opaque([at, "not-a-uuid"]),
      opaque(["yesterday", randomUUID()]),
      opaque([at, randomUUID(), "extra"]),
    ]) {
      expect(decodeKeysetCursor(cursor)).toBeUndefined();
    }
  });
});
