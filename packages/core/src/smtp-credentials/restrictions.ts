import {
  allowedIpsSchema,
  allowedSendersSchema,
  expiresAtSchema,
  type SendingLimits,
  sendingLimitsSchema,
} from "@relaypost/contract";
import type { z } from "zod";
import { DomainError } from "../errors";
import { type LimitColumns, limitColumns } from "../restrictions/sending-limits";

/** The restrictions a create or update may set; an absent one is left as it is (create: none). */
export interface RestrictionsInput {
  allowedSenders?: string[] | undefined;
  allowedIps?: string[] | undefined;
  expiresAt?: Date | null | undefined;
  /** Replaces every sending limit; one left out is cleared. */
  limits?: SendingLimits | undefined;
}

type RestrictionColumns = {
  allowedSenders?: string[];
  allowedIps?: string[];
  expiresAt?: Date | null;
} & Partial<LimitColumns>;

/** The restrictions an input sets, under the API's names, for the audit log and the `changed` list of the event. */
export function restrictionChanges(input: RestrictionsInput): RestrictionsInput {
  const changes: RestrictionsInput = {};
  if (input.allowedSenders !== undefined) {
    changes.allowedSenders = parseField(allowedSendersSchema, input.allowedSenders, "allowedSenders");
  }
  if (input.allowedIps !== undefined) changes.allowedIps = parseField(allowedIpsSchema, input.allowedIps, "allowedIps");
  if (input.expiresAt !== undefined) changes.expiresAt = parseField(expiresAtSchema, input.expiresAt, "expiresAt");
  if (input.limits !== undefined) changes.limits = parseField(sendingLimitsSchema, input.limits, "limits");
  return changes;
}

/** The columns validated changes set (the API validated them already; `restrictionChanges` did again). */
export function restrictionColumns(changes: RestrictionsInput): RestrictionColumns {
  const { limits, ...rest } = changes;
  return { ...rest, ...(limits === undefined ? {} : limitColumns(limits)) };
}

export function parseField<T>(schema: z.ZodType<T, unknown>, value: unknown, field: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new DomainError("BAD_REQUEST", parsed.error.issues[0]?.message ?? "", field);
  return parsed.data;
}
