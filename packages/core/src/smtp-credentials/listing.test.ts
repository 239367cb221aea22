import { randomUUID } from "node:crypto";
import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { createPasswordHasher } from "../hashing";
import { createCredentialLifecycle } from "./lifecycle";
import { decodeCredentialCursor, getCredential, listCredentials } from "./listing";
import { newScope } from "./test-support";

describe("listing SMTP credentials", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.destroy());

  /** An organization with credentials app_0 … app_{count-1}, created in that order. */
  async function organizationWith(count: number) {
    const credentials = createCredentialLifecycle(database.db, createPasswordHasher());
    const scope = await newScope(database);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const description = i === 0 ? "Billing worker" : "web";
      ids.push((await credentials.create(scope, { username: `app_${i}`, description })).credential.id);
    }
    return { scope, credentials, newestFirst: ids.reverse() };
  }

  it("gives a next cursor only while more credentials follow, never for a page that ends exactly at the last", async () => {
    const { scope, newestFirst } = await organizationWith(3);
    const list = (limit: number, cursor?: string | null) =>
      listCredentials(database.db, scope.organizationId, {
        limit,
        cursor: cursor ? decodeCredentialCursor(cursor) : undefined,
      });
    const ids = (page: { items: { id: string }[] }) => page.items.map((c) => c.id);

    const exact = await list(3);
    expect(ids(exact)).toEqual(newestFirst);
    expect(exact.nextCursor).toBeNull();
    const roomy = await list(4);
    expect(ids(roomy)).toEqual(newestFirst);
    expect(roomy.nextCursor).toBeNull();

    const first = await list(2);
    expect(ids(first)).toEqual(newestFirst.slice(0, 2));
    expect(first.nextCursor).not.toBeNull();
    const second = await list(2, first.nextCursor);
    expect(ids(second)).toEqual(newestFirst.slice(2));
    expect(second.nextCursor).toBeNull();
  });

  it("searches for the text without the spaces around it", async () => {
    const { scope, newestFirst } = await organizationWith(3);
    const search = (text: string) => listCredentials(database.db, scope.organizationId, { search: text, limit: 10 });
    expect((await search("  billing  ")).items.map((c) => c.id)).toEqual(newestFirst.slice(-1));
    expect((await search(" app_1\t")).items.map((c) => c.username)).toEqual(["app_1"]);
    expect((await search("   ")).items).toHaveLength(3);
  });

  it("shows until when the previous password works only while it does", async () => {
    const { scope, credentials, newestFirst } = await organizationWith(1);
    const id = newestFirst[0] ?? "";
    const { credential } = await credentials.regeneratePassword(scope, id, { keepPreviousForSeconds: 3600 });
    const overlapEnd = credential.previousPasswordExpiresAt;
    expect(overlapEnd?.getTime()).toBeGreaterThan(Date.now());
    expect((await getCredential(database.db, scope.organizationId, id, new Date())).previousPasswordExpiresAt).toEqual(
      overlapEnd,
    );
    // The overlap has run out; the hash stays until the next rotation.
    const ended = new Date(Date.now() - 1_000);
    await database.db
      .update(schema.smtpCredentials)
      .set({ previousPasswordExpiresAt: ended })
      .where(eq(schema.smtpCredentials.id, id));
    const listed = await listCredentials(database.db, scope.organizationId, { limit: 10 });
    expect(listed.items.map((c) => c.previousPasswordExpiresAt)).toEqual([null]);
    expect(
      (await getCredential(database.db, scope.organizationId, id, new Date())).previousPasswordExpiresAt,
    ).toBeNull();
  });

  it("answers NOT_FOUND, naming the credential, for one that is not the organization's", async () => {
    const { newestFirst } = await organizationWith(1);
    const other = await newScope(database);
    for (const id of [newestFirst[0] ?? "", randomUUID()]) {
      const error = await getCredential(database.db, other.organizationId, id, new Date()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: "NOT_FOUND", message: "SMTP credential not found" });
    }
  });
});
