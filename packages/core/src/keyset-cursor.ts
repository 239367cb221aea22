import { z } from "zod";

/** Where a page starts: after this (created_at, id), newest first. */
export interface KeysetCursor {
  createdAt: Date;
  id: string;
}

/**
 * A cursor's content. JavaScript takes dates PostgreSQL refuses (years past 9999, before year 1) and a loose id
 * check lets text of UUID length through, so only an ISO time no earlier than the epoch and a real UUID pass.
 */
const cursorContent = z
  .tuple([z.iso.datetime(), z.uuid()])
  .transform(([at, id]): KeysetCursor => ({ createdAt: new Date(at), id }))
  .refine((cursor) => cursor.createdAt.getTime() >= 0);

/** Opaque keyset cursor over (created_at, id), newest first: stable under inserts and deletes, O(limit) per page. */
export const encodeKeysetCursor = (row: KeysetCursor) =>
  Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString("base64url");

/** The position a cursor names, or undefined when it is not one this server could have issued. */
export const decodeKeysetCursor = (cursor: string): KeysetCursor | undefined =>
  decodeOpaqueCursor(cursor, cursorContent);

/** An opaque cursor's content read back with `schema`, or undefined when it is not base64url JSON of that shape. */
export function decodeOpaqueCursor<T>(cursor: string, schema: z.ZodType<T>): T | undefined {
  let content: unknown;
  try {
    content = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(content);
  return parsed.success ? parsed.data : undefined;
}
