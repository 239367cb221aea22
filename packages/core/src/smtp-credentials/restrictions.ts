import { allowedIpsSchema, allowedSendersSchema, expiresAtSchema } from "@relaypost/contract";
import type { z } from "zod";
import { DomainError } from "../errors";

/** The restrictions a create or update may set; an absent one is left as it is (create: none). */
export interface RestrictionsInput {
  allowedSenders?: string[] | undefined;
  allowedIps?: string[] | undefined;
  expiresAt?: Date | null | undefined;
}

type RestrictionColumns = { allowedSenders?: string[]; allowedIps?: string[]; expiresAt?: Date | null };

/** The columns a restrictions input sets, validated by the contract's schemas (the API validated them already). */
export function restrictionColumns(input: RestrictionsInput): RestrictionColumns {
  const columns: RestrictionColumns = {};
  if (input.allowedSenders !== undefined) {
    columns.allowedSenders = parseField(allowedSendersSchema, input.allowedSenders, "allowedSenders");
  }
  if (input.allowedIps !== undefined) columns.allowedIps = parseField(allowedIpsSchema, input.allowedIps, "allowedIps");
  if (input.expiresAt !== undefined) columns.expiresAt = parseField(expiresAtSchema, input.expiresAt, "expiresAt");
  return columns;
}

function parseField<T>(schema: z.ZodType<T, unknown>, value: unknown, field: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new DomainError("BAD_REQUEST", parsed.error.issues[0]?.message ?? "", field);
  return parsed.data;
}
