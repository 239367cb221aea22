import { type Database, schema } from "@relaypost/db";
import { and, desc, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import { DomainError, notFound } from "../errors";
import { type SmtpCredential, toSmtpCredential } from "./credential";

const t = schema.smtpCredentials;

export interface ListQuery {
  search?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface CredentialPage {
  items: SmtpCredential[];
  nextCursor: string | null;
}

/** Opaque keyset cursor over (created_at, id), newest first: stable under inserts and deletes, O(limit) per page. */
const encodeCursor = (c: SmtpCredential) =>
  Buffer.from(JSON.stringify([c.createdAt.toISOString(), c.id])).toString("base64url");

function decodeCursor(cursor: string): [Date, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
    const date = new Date(at);
    if (Number.isNaN(date.getTime()) || typeof id !== "string" || !/^[0-9a-f-]{36}$/.test(id)) throw new Error();
    return [date, id];
  } catch {
    throw new DomainError("BAD_REQUEST", "Invalid cursor", "cursor");
  }
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
    const [at, id] = decodeCursor(query.cursor);
    filters.push(sql`(${t.createdAt}, ${t.id}) < (${at.toISOString()}::timestamptz, ${id}::uuid)`);
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
