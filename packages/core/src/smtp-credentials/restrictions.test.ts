import {
  allowedIpsSchema,
  allowedSendersSchema,
  expiresAtSchema,
  keepPreviousForSecondsSchema,
  sendingLimitsSchema,
} from "@relaypost/contract";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { DomainError } from "../errors";
import { createPasswordHasher } from "../hashing";
import { createCredentialLifecycle } from "./lifecycle";
import type { RestrictionsInput } from "./restrictions";
import { newScope, storedRow } from "./test-support";

/** The message the contract's schema gives for the value: the one a form shows beside the field. */
function schemaMessage(schema: z.ZodType, value: unknown): string {
  const message = schema.safeParse(value).error?.issues[0]?.message;
  if (!message) throw new Error("the schema accepts the value");
  return message;
}

// Values the API's validation would refuse, handed to core directly (as another transport could).
const INVALID: [field: keyof RestrictionsInput, value: unknown, schema: z.ZodType][] = [
  ["allowedSenders", ["not a domain"], allowedSendersSchema],
  ["allowedIps", ["203.0.113.0/33"], allowedIpsSchema],
  ["expiresAt", new Date("not a date"), expiresAtSchema],
  ["expiresAt", "2030-01-01", expiresAtSchema],
  ["limits", { perMinute: 0 }, sendingLimitsSchema],
];

describe("restrictions handed to core unchecked", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.destroy());

  const refusal = async (call: () => Promise<unknown>) => {
    // `update` refuses before it starts its work: it throws rather than rejects.
    const error = await Promise.resolve()
      .then(call)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(DomainError);
    const { code, field, message } = error as DomainError;
    return { code, field, message };
  };

  it.each(INVALID)(
    "refuses an invalid %s (%j) on create and update, on its field, with the schema's message",
    async (field, value, schema) => {
      const credentials = createCredentialLifecycle(database.db, createPasswordHasher());
      const scope = await newScope(database);
      const input = { [field]: value } as RestrictionsInput;
      const expected = { code: "BAD_REQUEST", field, message: schemaMessage(schema, value) };
      expect(await refusal(() => credentials.create(scope, input))).toEqual(expected);
      const { credential } = await credentials.create(scope, {});
      expect(await refusal(() => credentials.update(scope, credential.id, input))).toEqual(expected);
      expect((await storedRow(database, credential.id)).updatedAt).toEqual(credential.updatedAt);
    },
  );

  it("refuses an overlap longer than 7 days on its field, with the schema's message", async () => {
    const credentials = createCredentialLifecycle(database.db, createPasswordHasher());
    const scope = await newScope(database);
    const { credential } = await credentials.create(scope, {});
    expect(
      await refusal(() => credentials.regeneratePassword(scope, credential.id, { keepPreviousForSeconds: 604_801 })),
    ).toEqual({
      code: "BAD_REQUEST",
      field: "keepPreviousForSeconds",
      message: schemaMessage(keepPreviousForSecondsSchema, 604_801),
    });
  });
});
