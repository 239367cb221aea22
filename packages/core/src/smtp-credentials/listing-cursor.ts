import { CREDENTIAL_SORTS, type CredentialSort, SORT_ORDERS, type SortOrder } from "@relaypost/contract";
import { z } from "zod";
import { decodeOpaqueCursor } from "../keyset-cursor";
import type { SmtpCredential } from "./credential";

/**
 * Where a page of credentials starts: after the row with this sort value and id, in the order the cursor was issued
 * for. `value` is the username, or a time as ISO text; null is a credential never used (last-used order only).
 */
export interface CredentialCursor {
  sort: CredentialSort;
  order: SortOrder;
  value: string | null;
  id: string;
}

const time = z.iso.datetime().refine((at) => new Date(at).getTime() >= 0);
const cursorContent = z
  .tuple([z.enum(CREDENTIAL_SORTS), z.enum(SORT_ORDERS), z.string().max(100).nullable(), z.uuid()])
  .transform(([sort, order, value, id]): CredentialCursor => ({ sort, order, value, id }))
  // A time where the order is by time, a username where it is by name, null only where it means "never used".
  .refine(({ sort, value }) =>
    sort === "username" ? value !== null : value === null ? sort === "lastUsed" : time.safeParse(value).success,
  );

/** The value a credential is ordered by under `sort`. */
export function sortValue(credential: SmtpCredential, sort: CredentialSort): string | null {
  if (sort === "username") return credential.username;
  if (sort === "lastUsed") return credential.lastUsedAt?.toISOString() ?? null;
  return credential.createdAt.toISOString();
}

/** Opaque cursor after `credential` in the given order: stable under inserts and deletes, O(limit) per page. */
export const encodeCredentialCursor = (credential: SmtpCredential, sort: CredentialSort, order: SortOrder) =>
  Buffer.from(JSON.stringify([sort, order, sortValue(credential, sort), credential.id])).toString("base64url");

/** The position a cursor names, or undefined when it is not one this server could have issued. */
export const decodeCredentialCursor = (cursor: string): CredentialCursor | undefined =>
  decodeOpaqueCursor(cursor, cursorContent);
