import {
  type CredentialFilter,
  type CredentialSort,
  DEFAULT_CREDENTIAL_SORT,
  DEFAULT_SORT_ORDER,
  PASSWORD_MAX_AGE_DAYS,
  type SortOrder,
  UNUSED_DAYS,
} from "@relaypost/contract";
import { type Database, schema } from "@relaypost/db";
import { and, asc, count, desc, eq, ilike, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { DomainError, notFound } from "../errors";
import { escapeLike } from "../like";
import { readUsage } from "../restrictions/sending-limits";
import { lastLoginOf, type SmtpCredential, type SmtpCredentialDetail, toSmtpCredential } from "./credential";
import { type CredentialCursor, encodeCredentialCursor } from "./listing-cursor";

export { type CredentialCursor, decodeCredentialCursor } from "./listing-cursor";

const t = schema.smtpCredentials;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ListQuery {
  search?: string | undefined;
  /** Newest first unless given. */
  sort?: CredentialSort | undefined;
  order?: SortOrder | undefined;
  filter?: CredentialFilter | undefined;
  /** Must have been issued for the same sort and order. */
  cursor?: CredentialCursor | undefined;
  limit: number;
}

export interface CredentialPage {
  items: SmtpCredential[];
  nextCursor: string | null;
  /** How many credentials match the search and filter, on every page. */
  total: number;
}

/**
 * The column each order sorts by, and its cursor value as SQL. Usernames compare lower-cased byte by byte, the same
 * on every database whatever its collation; never-used credentials sort as the oldest use.
 */
const sortKeys: Record<CredentialSort, { column: SQL; value: (value: string | null) => SQL }> = {
  created: { column: sql`${t.createdAt}`, value: (v) => sql`${v}::timestamptz` },
  username: { column: sql`lower(${t.username}) collate "C"`, value: (v) => sql`lower(${v}::text) collate "C"` },
  lastUsed: {
    column: sql`coalesce(${t.lastUsedAt}, '-infinity'::timestamptz)`,
    value: (v) => sql`coalesce(${v}::timestamptz, '-infinity'::timestamptz)`,
  },
};

function filterCondition(filter: CredentialFilter, at: Date): SQL | undefined {
  switch (filter) {
    case "active":
      return eq(t.active, true);
    case "inactive":
      return eq(t.active, false);
    case "neverUsed":
      return isNull(t.lastUsedAt);
    case "unused":
      return sql`coalesce(${t.lastUsedAt}, ${t.createdAt}) < ${new Date(at.getTime() - UNUSED_DAYS * DAY_MS).toISOString()}::timestamptz`;
    case "oldPassword":
      return lt(t.passwordChangedAt, new Date(at.getTime() - PASSWORD_MAX_AGE_DAYS * DAY_MS));
  }
}

/** A page of the organization's credentials matching `query`, in its order; `at` is "now" for the age filters. */
export async function listCredentials(
  db: Database,
  organizationId: string,
  query: ListQuery,
  at: Date = new Date(),
): Promise<CredentialPage> {
  const sort = query.sort ?? DEFAULT_CREDENTIAL_SORT;
  const order = query.order ?? DEFAULT_SORT_ORDER;
  const matching: (SQL | undefined)[] = [eq(t.organizationId, organizationId)];
  const search = query.search?.trim();
  if (search) {
    const pattern = `%${escapeLike(search)}%`;
    matching.push(or(ilike(t.username, pattern), ilike(t.description, pattern)));
  }
  if (query.filter) matching.push(filterCondition(query.filter, at));

  const key = sortKeys[sort];
  const page = [...matching];
  if (query.cursor) {
    const { value, id } = query.cursor;
    if (query.cursor.sort !== sort || query.cursor.order !== order) {
      throw new DomainError("BAD_REQUEST", "The cursor belongs to a list in another order", "cursor");
    }
    const after = order === "desc" ? sql`<` : sql`>`;
    page.push(sql`(${key.column}, ${t.id}) ${after} (${key.value(value)}, ${id}::uuid)`);
  }
  const direction = order === "desc" ? desc : asc;
  const rows = await db
    .select()
    .from(t)
    .where(and(...page))
    .orderBy(direction(key.column), direction(t.id))
    .limit(query.limit + 1);
  const [counted] = await db
    .select({ total: count() })
    .from(t)
    .where(and(...matching));
  const items = rows.slice(0, query.limit).map(toSmtpCredential);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > query.limit && last ? encodeCredentialCursor(last, sort, order) : null,
    total: counted?.total ?? 0,
  };
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
