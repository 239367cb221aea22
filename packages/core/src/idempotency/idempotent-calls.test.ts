import { randomBytes } from "node:crypto";
import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor";
import { createCore } from "../core";
import { Keyring } from "../secret-box";
import { IDEMPOTENCY_WINDOW_MS, type IdempotentCall, idempotent, pruneIdempotencyKeys } from "./idempotency";

const keyring = new Keyring(randomBytes(32));
const NOW = new Date("2030-06-01T12:00:00.000Z");
const now = () => NOW;

let database: TestDatabase;
let organizationId: string;

const actor = (id: string): Actor => ({ type: "user", id, label: `${id}@calls.test`, remoteAddress: null });

/** Runs `idempotent` around a create that answers `answer` and counts its runs. */
async function run(call: IdempotentCall, answer: unknown, ring = keyring) {
  let runs = 0;
  const result = await idempotent(
    database.db,
    ring,
    call,
    (transact) =>
      transact(async () => {
        runs += 1;
        return answer;
      }),
    now,
  );
  return { result, runs };
}

const call = (key: string, overrides: Partial<IdempotentCall> = {}): IdempotentCall => ({
  organizationId,
  actor: actor("u1"),
  key,
  operation: "things.create",
  input: { name: "a" },
  ...overrides,
});

beforeAll(async () => {
  database = await createTestDatabase();
  const core = createCore({ db: database.db, keyring });
  const { organization } = await core.organizations.create({
    name: "Calls",
    owner: { email: "owner@calls.test", password: "owner-password-1" },
  });
  organizationId = organization.id;
});
afterAll(() => database.destroy());

describe("idempotent calls", () => {
  it("answers a retry from the stored answer without running the create at all", async () => {
    const answer = { id: "t1", at: new Date("2030-01-01T00:00:00.000Z") };
    expect(await run(call("retry"), answer)).toEqual({ result: answer, runs: 1 });
    let started = false;
    const retried = await idempotent(
      database.db,
      keyring,
      call("retry"),
      async () => {
        started = true;
        return { id: "other" };
      },
      now,
    );
    expect(retried).toEqual(answer);
    expect(started).toBe(false);
  });

  it("keeps two callers of the same type apart: the same key runs the create for each", async () => {
    expect((await run(call("shared", { actor: actor("u1") }), "first")).runs).toBe(1);
    expect(await run(call("shared", { actor: actor("u2") }), "second")).toEqual({ result: "second", runs: 1 });
  });

  it("refuses a key reused for another input or another operation, with the exact message", async () => {
    await run(call("reused"), "done");
    const refusal = {
      code: "UNPROCESSABLE_CONTENT",
      message: "This Idempotency-Key was already used with another request; send a new key for a new request",
    };
    await expect(run(call("reused", { input: { name: "b" } }), "x")).rejects.toMatchObject(refusal);
    await expect(run(call("reused", { operation: "other.create" }), "x")).rejects.toMatchObject(refusal);
  });

  it("says exactly why an answer sealed under another server key cannot be shown", async () => {
    await run(call("sealed"), "done");
    await expect(run(call("sealed"), "x", new Keyring(randomBytes(32)))).rejects.toMatchObject({
      code: "CONFLICT",
      message:
        "A request with this Idempotency-Key already succeeded, but its answer can no longer be shown " +
        "(the server key changed); check what it created before sending a new key",
    });
  });

  it("pruning keeps answers still inside the window", async () => {
    await run(call("kept"), "kept answer");
    await pruneIdempotencyKeys(database.db, new Date(NOW.getTime() + IDEMPOTENCY_WINDOW_MS - 1));
    expect(await run(call("kept"), "new answer")).toEqual({ result: "kept answer", runs: 0 });
  });

  it("binds a stored answer to its key: copied onto another key's row, it does not open", async () => {
    await run(call("original"), "secret answer");
    await run(call("copy"), "other answer");
    const rows = await database.db.select().from(schema.idempotencyKeys);
    const original = rows.find((row) => row.key === "original");
    if (!original) throw new Error("no row for the original key");
    await database.db
      .update(schema.idempotencyKeys)
      .set({
        responseCiphertext: original.responseCiphertext,
        responseIv: original.responseIv,
        responseTag: original.responseTag,
      })
      .where(eq(schema.idempotencyKeys.key, "copy"));
    await expect(run(call("copy"), "x")).rejects.toMatchObject({ code: "CONFLICT" });
  });
});
