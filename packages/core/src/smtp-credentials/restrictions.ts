import { allowedSendersSchema } from "@relaypost/contract";
import type { z } from "zod";
import { DomainError } from "../errors";

/** The restrictions a create or update may set; an absent one is left as it is (create: none). */
export interface RestrictionsInput {
  allowedSenders?: string[] | undefined;
}

/** The columns a restrictions input sets, validated by the contract's schemas (the API validated them already). */
export function restrictionColumns(input: RestrictionsInput): { allowedSenders?: string[] } {
  const columns: { allowedSenders?: string[] } = {};
  if (input.allowedSenders !== undefined) {
    columns.allowedSenders = parseField(allowedSendersSchema, input.allowedSenders, "allowedSenders");
  }
  return columns;
}

function parseField<T>(schema: z.ZodType<T, unknown>, value: unknown, field: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new DomainError("BAD_REQUEST", parsed.error.issues[0]?.message ?? "", field);
  return parsed.data;
}
