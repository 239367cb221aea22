import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { violatedUniqueConstraint } from "./db-errors";

/** What `promise` rejected with. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("the unique constraint a database error broke", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.destroy());

  it("is named from a real unique violation, through drizzle's wrapping", async () => {
    await database.db.insert(schema.organizations).values({ name: "First", slug: "taken-slug" });
    const error = await rejectionOf(
      database.db.insert(schema.organizations).values({ name: "Second", slug: "taken-slug" }),
    );
    expect(violatedUniqueConstraint(error)).toBe("organizations_slug_unique");
  });

  it("is read from either driver's field, on the error or anywhere down its causes", () => {
    expect(violatedUniqueConstraint({ code: "23505", constraint_name: "from_postgres_js" })).toBe("from_postgres_js");
    expect(violatedUniqueConstraint({ code: "23505", constraint: "from_pglite" })).toBe("from_pglite");
    const violation = { code: "23505", constraint: "deep" };
    expect(violatedUniqueConstraint(new Error("outer", { cause: new Error("inner", { cause: violation }) }))).toBe(
      "deep",
    );
  });

  it("is empty for a unique violation that names no constraint", () => {
    expect(violatedUniqueConstraint({ code: "23505" })).toBe("");
    expect(violatedUniqueConstraint(new Error("wrapped", { cause: { code: "23505", constraint: 42 } }))).toBe("");
  });

  it("is undefined for any other error, or for something that is no error at all", () => {
    for (const error of [
      new Error("no cause"),
      new Error("null cause", { cause: null }),
      new Error("text cause", { cause: "23505" }),
      { code: "23503", constraint: "a_foreign_key" },
      null,
      undefined,
      "23505",
      0,
    ]) {
      expect(violatedUniqueConstraint(error)).toBeUndefined();
    }
  });
});
