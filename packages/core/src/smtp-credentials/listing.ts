import { type Database, schema } from "@relaypost/db";
import { and, desc, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import { notFound } from "../errors";
import { decodeKeysetCursor, encodeKeysetCursor, type KeysetCursor } from "../keyset-cursor";
import { readUsage } from "../restrictions/sending-limits";
import { lastLoginOf, type SmtpCredential, type SmtpCredentialDetail, toSmtpCredential } from "./credential";

const t = schema.smtpCredentials;

export type CredentialCursor = KeysetCursor;

/** The position a credential cursor names, or undefined when it is not one this server could have issued. */
export const decodeCredentialCursor = decodeKeysetCursor;

export interface ListQuery {
  search?: string | undefined;
  cursor?: CredentialCursor | undefined;
  limit: number;
}

export interface CredentialPage {
  items: SmtpCredential[];
  nextCursor: string | null;
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
  return { items, nextCursor: rows.length > query.limit && last ? encodeKeysetCursor(last) : null };
}

export async function getCredential(
  db: Database,
  organizationId: string,
  id: string,
  at: Date,
): Promise<SmtpCredentialDetail> {
  const [row] = await db
    .select()
    .from(t)
    .where(and(eq(t.id, id), eq(t.organizationId, organizationId)));
  if (!row) throw notFound("SMTP credential");
  return { ...toSmtpCredential(row), usage: await readUsage(db, id, at), lastLogin: lastLoginOf(row) };
}
