import { randomUUID } from "node:crypto";
import { USERNAME_RULES } from "@relaypost/contract";
import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { violatedUniqueConstraint } from "../db-errors";
import { DomainError } from "../errors";
import { createPasswordHasher, type PasswordHasher } from "../hashing";
import { hashFingerprint } from "../smtp-auth/grant";
import { createCredentialLifecycle } from "./lifecycle";
import { generateLookupId } from "./password";
import { newScope, storedRow, watchRevocations } from "./test-support";
import { generateUsername } from "./username";

// The random draws, so a test can make one collide; by default they draw as in production.
vi.mock("./username", async (importActual) => {
  const actual = await importActual<typeof import("./username")>();
  return { generateUsername: vi.fn(actual.generateUsername) };
});
vi.mock("./password", async (importActual) => {
  const actual = await importActual<typeof import("./password")>();
  return { ...actual, generateLookupId: vi.fn(actual.generateLookupId) };
});

/** What the call threw or rejected with; fails the test if it succeeded. */
async function rejection(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

async function domainError(call: () => Promise<unknown>) {
  const error = await rejection(call);
  expect(error).toBeInstanceOf(DomainError);
  const { code, message, field } = error as DomainError;
  return { code, message, field };
}

describe("SMTP credential lifecycle", () => {
  let database: TestDatabase;
  const inner = createPasswordHasher();
  /** Runs once, just before the next password is hashed (a change made while argon2 works). */
  let beforeNextHash: (() => Promise<unknown>) | undefined;
  const hasher: PasswordHasher = {
    ...inner,
    async hash(password) {
      const hook = beforeNextHash;
      beforeNextHash = undefined;
      await hook?.();
      return inner.hash(password);
    },
  };
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.destroy());
  beforeEach(() => {
    vi.mocked(generateUsername).mockClear();
    vi.mocked(generateLookupId).mockClear();
  });

  // Each test builds the lifecycle itself, so the functions it is made of are made within the test.
  const lifecycle = () => createCredentialLifecycle(database.db, hasher);

  describe("create", () => {
    it("refuses an invalid requested username on its field, storing nothing", async () => {
      const credentials = lifecycle();
      const scope = await newScope(database);
      expect(await domainError(() => credentials.create(scope, { username: "has space" }))).toEqual({
        code: "BAD_REQUEST",
        message: `Username must be ${USERNAME_RULES}`,
        field: "username",
      });
      const stored = await database.db
        .select()
        .from(schema.smtpCredentials)
        .where(eq(schema.smtpCredentials.organizationId, scope.organizationId));
      expect(stored).toEqual([]);
    });

    it("refuses a requested username taken in the organization, naming it, without drawing again", async () => {
      const credentials = lifecycle();
      const scope = await newScope(database);
      await credentials.create(scope, { username: "django_worker" });
      vi.mocked(generateLookupId).mockClear();
      expect(await domainError(() => credentials.create(scope, { username: "DJANGO_Worker" }))).toEqual({
        code: "CONFLICT",
        message: 'The username "DJANGO_Worker" is already taken',
        field: "username",
      });
      expect(generateLookupId).toHaveBeenCalledTimes(1);
    });

    it("draws another username when a generated one is taken", async () => {
      const credentials = lifecycle();
      const scope = await newScope(database);
      await credentials.create(scope, { username: "smtp_taken01" });
      vi.mocked(generateUsername).mockReturnValueOnce("smtp_taken01");
      const { credential } = await credentials.create(scope, {});
      expect(credential.username).toMatch(/^smtp_[a-z0-9]{8}$/);
      expect(credential.username).not.toBe("smtp_taken01");
      expect(generateUsername).toHaveBeenCalledTimes(2);
    });

    it("gives up after 8 generated usernames that were all taken, with a conflict on the username", async () => {
      const credentials = lifecycle();
      const scope = await newScope(database);
      await credentials.create(scope, { username: "smtp_taken02" });
      // A ninth draw would find a free name: only giving up after the eighth makes this fail.
      for (let i = 0; i < 8; i++) vi.mocked(generateUsername).mockReturnValueOnce("smtp_taken02");
      expect(await domainError(() => credentials.create(scope, {}))).toEqual({
        code: "CONFLICT",
        message: "Could not generate a unique username; try again",
        field: "username",
      });
      expect(generateUsername).toHaveBeenCalledTimes(8);
    });

    it("draws another lookup id when one collides, keeping the requested username", async () => {
      const credentials = lifecycle();
      const scope = await newScope(database);
      const first = await credentials.create(scope, {});
      const taken = (await storedRow(database, first.credential.id)).lookupId;
      vi.mocked(generateLookupId).mockClear().mockReturnValueOnce(taken);
      const { credential, password } = await credentials.create(scope, { username: "lookup_clash" });
      expect(credential.username).toBe("lookup_clash");
      const { lookupId } = await storedRow(database, credential.id);
      expect(lookupId).not.toBe(taken);
      expect(password).toContain(`_${lookupId}_`);
      expect(generateLookupId).toHaveBeenCalledTimes(2);
    });

    it.each([{ username: "orphan_app" }, {}])(
      "passes on a database failure other than a taken name at once, not as a conflict (%j)",
      async (input) => {
        const credentials = lifecycle();
        // No such organization: the insert breaks a foreign key, which no other draw can mend.
        const actor = (await newScope(database)).actor;
        const error = await rejection(() => credentials.create({ organizationId: randomUUID(), actor }, input));
        expect(error).not.toBeInstanceOf(DomainError);
        expect(violatedUniqueConstraint(error)).toBeUndefined();
        expect(generateLookupId).toHaveBeenCalledTimes(1);
      },
    );

    it("refuses a description over 500 characters on its field", async () => {
      const credentials = lifecycle();
      const scope = await newScope(database);
      expect(await domainError(() => credentials.create(scope, { description: "x".repeat(501) }))).toEqual({
        code: "BAD_REQUEST",
        message: "Description must be at most 500 characters",
        field: "description",
      });
    });
  });

  describe("update", () => {
    it.each([
      ["no field", {}],
      ["only absent fields", { description: undefined, allowedSenders: undefined, expiresAt: undefined }],
    ])("refuses an update with nothing to change: %s", async (_, input) => {
      const credentials = lifecycle();
      const scope = await newScope(database);
      const { credential } = await credentials.create(scope, { description: "kept" });
      expect(await domainError(() => credentials.update(scope, credential.id, input))).toEqual({
        code: "BAD_REQUEST",
        message: "Nothing to change",
        field: undefined,
      });
      expect((await storedRow(database, credential.id)).updatedAt).toEqual(credential.updatedAt);
    });

    it("changes only what it is given: restrictions keep the description, a description keeps the restrictions", async () => {
      const credentials = lifecycle();
      const scope = await newScope(database);
      const { credential } = await credentials.create(scope, {
        description: "kept",
        allowedSenders: ["example.com"],
        limits: { perDay: 10 },
      });
      const restricted = await credentials.update(scope, credential.id, { allowedIps: ["192.0.2.0/24"] });
      expect(restricted).toMatchObject({
        description: "kept",
        allowedSenders: ["example.com"],
        allowedIps: ["192.0.2.0/24"],
        limits: { perDay: 10 },
      });
      const described = await credentials.update(scope, credential.id, { description: " renamed " });
      expect(described).toMatchObject({
        description: "renamed",
        allowedSenders: ["example.com"],
        allowedIps: ["192.0.2.0/24"],
        limits: { perDay: 10 },
        expiresAt: null,
      });
    });
  });

  it("changes only the credential named, never another of the organization or another organization's", async () => {
    const credentials = lifecycle();
    const scope = await newScope(database);
    const otherScope = await newScope(database);
    const { credential } = await credentials.create(scope, { description: "mine" });
    const sibling = (await credentials.create(scope, { description: "sibling" })).credential;
    const foreign = (await credentials.create(otherScope, { description: "foreign" })).credential;
    const untouched = await Promise.all([sibling.id, foreign.id].map((id) => storedRow(database, id)));

    expect((await credentials.update(scope, credential.id, { description: "changed" })).id).toBe(credential.id);
    expect((await credentials.setActive(scope, credential.id, false)).id).toBe(credential.id);
    expect(
      (await credentials.regeneratePassword(scope, credential.id, { keepPreviousForSeconds: 60 })).credential.id,
    ).toBe(credential.id);
    expect((await credentials.endPreviousPassword(scope, credential.id)).id).toBe(credential.id);
    await credentials.delete(scope, credential.id);
    expect(await Promise.all([sibling.id, foreign.id].map((id) => storedRow(database, id)))).toEqual(untouched);
  });

  it("answers NOT_FOUND, naming the credential, for one that is not the organization's", async () => {
    const credentials = lifecycle();
    const scope = await newScope(database);
    const foreign = (await credentials.create(await newScope(database), {})).credential;
    const notFound = { code: "NOT_FOUND", message: "SMTP credential not found", field: undefined };
    for (const id of [foreign.id, randomUUID()]) {
      expect(await domainError(() => credentials.update(scope, id, { description: "x" }))).toEqual(notFound);
      expect(await domainError(() => credentials.setActive(scope, id, false))).toEqual(notFound);
      expect(await domainError(() => credentials.regeneratePassword(scope, id))).toEqual(notFound);
      expect(await domainError(() => credentials.endPreviousPassword(scope, id))).toEqual(notFound);
      expect(await domainError(() => credentials.delete(scope, id))).toEqual(notFound);
    }
    expect(await storedRow(database, foreign.id)).toMatchObject({ active: true, description: "" });
  });

  it("answers NOT_FOUND when the credential is deleted while its new password is hashed", async () => {
    const credentials = lifecycle();
    const scope = await newScope(database);
    const { credential } = await credentials.create(scope, {});
    beforeNextHash = () => credentials.delete(scope, credential.id);
    // With an overlap, the rotation reads the hash it replaces: there is none to read.
    const rotation = () => credentials.regeneratePassword(scope, credential.id, { keepPreviousForSeconds: 60 });
    expect(await domainError(rotation)).toEqual({
      code: "NOT_FOUND",
      message: "SMTP credential not found",
      field: undefined,
    });
  });

  describe("ending open SMTP sessions on every process", () => {
    let revocations: Awaited<ReturnType<typeof watchRevocations>>;
    beforeAll(async () => {
      revocations = await watchRevocations(database);
    });
    afterAll(() => revocations.stop());

    it("deactivating and deleting end all of the credential's sessions; activating and editing end none", async () => {
      const credentials = lifecycle();
      const scope = await newScope(database);
      const { credential } = await credentials.create(scope, {});
      const all = [{ kind: "credential", credentialId: credential.id }];
      expect(await revocations.take()).toEqual([]);
      await credentials.setActive(scope, credential.id, false);
      expect(await revocations.take()).toEqual(all);
      await credentials.setActive(scope, credential.id, true);
      await credentials.update(scope, credential.id, { description: "edited" });
      expect(await revocations.take()).toEqual([]);
      await credentials.delete(scope, credential.id);
      expect(await revocations.take()).toEqual(all);
    });

    it("regenerating with an overlap keeps the previous password and its sessions, ending those of the one it drops", async () => {
      const credentials = lifecycle();
      const scope = await newScope(database);
      const { credential, password: first } = await credentials.create(scope, {});
      const firstHash = (await storedRow(database, credential.id)).passwordHash;
      await revocations.take();

      const rotated = await credentials.regeneratePassword(scope, credential.id, { keepPreviousForSeconds: 3600 });
      const afterRotation = await storedRow(database, credential.id);
      expect(afterRotation.previousPasswordHash).toBe(firstHash);
      expect(await inner.verify(afterRotation.previousPasswordHash ?? "", first)).toBe(true);
      expect(await inner.verify(afterRotation.passwordHash, rotated.password)).toBe(true);
      expect(rotated.credential.previousPasswordExpiresAt).toEqual(afterRotation.previousPasswordExpiresAt);
      const overlapEnd = afterRotation.previousPasswordExpiresAt?.getTime() ?? 0;
      expect(overlapEnd - afterRotation.passwordChangedAt.getTime()).toBe(3_600_000);
      // Nothing was dropped: the first password's sessions go on.
      expect(await revocations.take()).toEqual([]);

      await credentials.regeneratePassword(scope, credential.id, { keepPreviousForSeconds: 60 });
      expect((await storedRow(database, credential.id)).previousPasswordHash).toBe(afterRotation.passwordHash);
      // The first password is dropped now: its sessions end, the second one's go on.
      expect(await revocations.take()).toEqual([
        { kind: "credential", credentialId: credential.id, hashFingerprint: hashFingerprint(firstHash) },
      ]);

      const plain = await credentials.regeneratePassword(scope, credential.id, { keepPreviousForSeconds: 0 });
      expect(plain.credential.previousPasswordExpiresAt).toBeNull();
      expect(await storedRow(database, credential.id)).toMatchObject({
        previousPasswordHash: null,
        previousPasswordExpiresAt: null,
      });
      expect(await revocations.take()).toEqual([{ kind: "credential", credentialId: credential.id }]);
    });

    it("ending the overlap stops the previous password and only its sessions", async () => {
      const credentials = lifecycle();
      const scope = await newScope(database);
      const { credential } = await credentials.create(scope, {});
      await credentials.regeneratePassword(scope, credential.id, { keepPreviousForSeconds: 3600 });
      const previousHash = (await storedRow(database, credential.id)).previousPasswordHash ?? "";
      await revocations.take();

      expect((await credentials.endPreviousPassword(scope, credential.id)).previousPasswordExpiresAt).toBeNull();
      expect(await storedRow(database, credential.id)).toMatchObject({
        previousPasswordHash: null,
        previousPasswordExpiresAt: null,
      });
      expect(await revocations.take()).toEqual([
        { kind: "credential", credentialId: credential.id, hashFingerprint: hashFingerprint(previousHash) },
      ]);
      // No overlap left: nothing to end.
      await credentials.endPreviousPassword(scope, credential.id);
      expect(await revocations.take()).toEqual([]);
    });
  });
});
