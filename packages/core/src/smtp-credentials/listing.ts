import { type Database, schema } from "@relaypost/db";
import { and, desc, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { notFound } from "../errors";
import { type SmtpCredential, toSmtpCredential } from "./credential";

const t = schema.smtpCredentials;

/** Where a page starts: after this (created_at, id), newest first. */
export interface CredentialCursor {
  createdAt: Date;
  id: string;
}

export interface ListQuery {
  search?: string | undefined;
  cursor?: CredentialCursor | undefined;
  limit: number;
}

export interface CredentialPage {
  items: SmtpCredential[];
  nextCursor: string | null;
}

/**
 * A cursor's content. JavaScript takes dates PostgreSQL refuses (years past 9999, before year 1) and a loose id
 * check lets text of UUID length through, so only an ISO time no earlier than the epoch and a real UUID pass.
 */
const cursorContent = z
  .tuple([z.iso.datetime(), z.uuid()])
  .transform(([at, id]): CredentialCursor => ({ createdAt: new Date(at), id }))
  .refine((cursor) => cursor.createdAt.getTime() >= 0);

/** Opaque keyset cursor over (created_at, id), newest first: stable under inserts and deletes, O(limit) per page. */
const encodeCursor = (c: SmtpCredential) =>
  Buffer.from(JSON.stringify([c.createdAt.toISOString(), c.id])).toString("base64url");

/** The position a cursor names, or undefined when it is not one this server could have issued. */
export function decodeCredentialCursor(cursor: string): CredentialCursor | undefined {
  let content: unknown;
  try {
    content = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = cursorContent.safeParse(content);
  return parsed.success ? parsed.data : undefined;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listCredentials(db: Database, organizationId: string, query: ListQuery): Promise<CredentialPage> {
  const filters: (SQL | undefined)[] = [eq(t.organizationId, organizationId)];
  const search = query.search?.trim();
  if (search) {
    const pattern = `%${escapeLike(search)}%`;
    filters.push(or(ilike(t.username, pattern), ilike(t.description, pattern)));
  }
  if (query.cursor) {
    const { createdAt, id } = query.cursor;
    filters.push(sql`(${t.createdAt}, ${t.id}) < (${createdAt.toISOString()}::timestamptz, ${id}::uuid)`);
  }
  const rows = await db
    .select()
    .from(t)
    .where(and(...filters))
    .orderBy(desc(t.createdAt), desc(t.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map(toSmtpCredential);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

export async function getCredential(db: Database, organizationId: string, id: string): Promise<SmtpCredential> {
  const [row] = await db
    .select()
    .from(t)
    .where(and(eq(t.id, id), eq(t.organizationId, organizationId)));
  if (!row) throw notFound("SMTP credential");
  return toSmtpCredential(row);
}
