import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { formatSmtpPassword, generateLookupId } from "../smtp-credentials/password";
import { createSmtpAuthFixture, type SmtpAuthFixture, testScope } from "./test-support";
import { createVerificationCache } from "./verification-cache";
import { CredentialStoreUnavailableError, createSmtpVerifier, type SmtpVerifier } from "./verifier";

describe("SMTP verifier", () => {
  let fixture: SmtpAuthFixture;
  let verifier: SmtpVerifier;

  beforeAll(async () => {
    fixture = await createSmtpAuthFixture();
  });
  afterAll(() => fixture.database.destroy());
  beforeEach(() => {
    verifier = createSmtpVerifier({ db: fixture.database.db, hasher: fixture.hasher });
    fixture.hasher.verifications = 0;
  });

  it("accepts the right username and password and grants that credential", async () => {
    const credential = await fixture.createCredential();
    const result = await verifier.verify({ username: credential.username, password: credential.password });
    expect(result).toMatchObject({
      ok: true,
      grant: { credentialId: credential.id, organizationId: fixture.organizationId, username: credential.username },
    });
  });

  it("compares usernames case-insensitively", async () => {
    const credential = await fixture.createCredential("Mixed_Case_User");
    const result = await verifier.verify({ username: "mixed_case_user", password: credential.password });
    expect(result.ok).toBe(true);
  });

  it("skips argon2 for a password already verified against the same hash", async () => {
    const credential = await fixture.createCredential();
    await verifier.verify({ username: credential.username, password: credential.password });
    expect(fixture.hasher.verifications).toBe(1);
    const again = await verifier.verify({ username: credential.username, password: credential.password });
    expect(again.ok).toBe(true);
    expect(fixture.hasher.verifications).toBe(1);
  });

  it("refuses the old password right after a regenerate, although it was cached", async () => {
    const credential = await fixture.createCredential();
    expect((await verifier.verify({ username: credential.username, password: credential.password })).ok).toBe(true);
    const { password } = await fixture.core.smtpCredentials.regeneratePassword(testScope(fixture), credential.id);
    const old = await verifier.verify({ username: credential.username, password: credential.password });
    expect(old).toEqual({
      ok: false,
      reason: "bad_password",
      credential: {
        credentialId: credential.id,
        organizationId: fixture.organizationId,
        username: credential.username,
      },
    });
    expect((await verifier.verify({ username: credential.username, password })).ok).toBe(true);
  });

  it("refuses a deactivated credential, even with a cached password, and after paying a full verification", async () => {
    const credential = await fixture.createCredential();
    await verifier.verify({ username: credential.username, password: credential.password });
    await fixture.core.smtpCredentials.setActive(testScope(fixture), credential.id, false);
    fixture.hasher.verifications = 0;
    const result = await verifier.verify({ username: credential.username, password: credential.password });
    expect(result).toMatchObject({ ok: false, reason: "inactive", credential: { credentialId: credential.id } });
    expect(fixture.hasher.verifications).toBe(1);
    await fixture.core.smtpCredentials.setActive(testScope(fixture), credential.id, true);
    expect((await verifier.verify({ username: credential.username, password: credential.password })).ok).toBe(true);
  });

  it("refuses a deleted credential like an unknown one", async () => {
    const credential = await fixture.createCredential();
    await verifier.verify({ username: credential.username, password: credential.password });
    await fixture.core.smtpCredentials.delete(testScope(fixture), credential.id);
    const result = await verifier.verify({ username: credential.username, password: credential.password });
    expect(result).toEqual({ ok: false, reason: "unknown_password" });
  });

  it("refuses a username that is not the credential's, attributing the attempt", async () => {
    const credential = await fixture.createCredential();
    await verifier.verify({ username: credential.username, password: credential.password });
    fixture.hasher.verifications = 0;
    const result = await verifier.verify({ username: "someone_else", password: credential.password });
    expect(result).toMatchObject({
      ok: false,
      reason: "username_mismatch",
      credential: { credentialId: credential.id },
    });
    expect(fixture.hasher.verifications).toBe(1);
  });

  it("refuses an authorization identity other than the username", async () => {
    const credential = await fixture.createCredential();
    const result = await verifier.verify({
      username: credential.username,
      password: credential.password,
      authorizationId: "admin_user",
    });
    expect(result).toMatchObject({ ok: false, reason: "username_mismatch" });
    const same = await verifier.verify({
      username: credential.username,
      password: credential.password,
      authorizationId: credential.username.toUpperCase(),
    });
    expect(same.ok).toBe(true);
    // An empty authorization identity is what most clients send (nodemailer among them): it means "as myself".
    const empty = await verifier.verify({
      username: credential.username,
      password: credential.password,
      authorizationId: "",
    });
    expect(empty.ok).toBe(true);
  });

  it("pays a dummy verification for an unknown lookup id and attributes nothing", async () => {
    const result = await verifier.verify({ username: "nobody", password: formatSmtpPassword(generateLookupId()) });
    expect(result).toEqual({ ok: false, reason: "unknown_password" });
    expect(fixture.hasher.verifications).toBe(1);
  });

  it.each(["", "hunter2", "rpsmtp_", `${formatSmtpPassword("abcdefghijkl")}x`, "\u0000\uFFFD".repeat(5000)])(
    "refuses malformed password %#: no query needed, no hashing",
    async (password) => {
      expect(await verifier.verify({ username: "anyone", password })).toEqual({
        ok: false,
        reason: "malformed_password",
      });
      expect(fixture.hasher.verifications).toBe(0);
    },
  );

  it("refuses a password whose checksum is wrong without hashing", async () => {
    const credential = await fixture.createCredential();
    const last = credential.password.at(-1) === "A" ? "B" : "A";
    const tampered = credential.password.slice(0, -1) + last;
    expect(await verifier.verify({ username: credential.username, password: tampered })).toEqual({
      ok: false,
      reason: "malformed_password",
    });
    expect(fixture.hasher.verifications).toBe(0);
  });

  it("names the credential a password points at before verifying it, and refuses garbage without hashing", async () => {
    const credential = await fixture.createCredential();
    const checked = await verifier.precheck({ username: credential.username, password: credential.password });
    expect(checked).toMatchObject({
      settled: false,
      credential: {
        credentialId: credential.id,
        organizationId: fixture.organizationId,
        username: credential.username,
      },
    });
    const garbage = await verifier.precheck({ username: "x", password: "garbage" });
    expect(garbage).toMatchObject({ settled: false, lookupId: undefined, credential: undefined });
    expect(garbage.settled ? undefined : await garbage.verify()).toEqual({ ok: false, reason: "malformed_password" });
    expect(fixture.hasher.verifications).toBe(0);
  });

  it("settles a password the cache vouches for without hashing, granting what the full check granted", async () => {
    const credential = await fixture.createCredential();
    const first = await verifier.verify({ username: credential.username, password: credential.password });
    expect(first.ok).toBe(true);
    fixture.hasher.verifications = 0;
    const checked = await verifier.precheck({ username: credential.username, password: credential.password });
    expect(checked).toEqual({ settled: true, result: first });
    expect(fixture.hasher.verifications).toBe(0);
  });

  it("tells whether a grant still holds after regenerate, deactivate and delete", async () => {
    const credential = await fixture.createCredential();
    const result = await verifier.verify({ username: credential.username, password: credential.password });
    if (!result.ok) throw new Error("login failed");
    expect(await verifier.recheck(result.grant, null)).toBeDefined();
    await fixture.core.smtpCredentials.setActive(testScope(fixture), credential.id, false);
    expect(await verifier.recheck(result.grant, null)).toBeUndefined();
    await fixture.core.smtpCredentials.setActive(testScope(fixture), credential.id, true);
    expect(await verifier.recheck(result.grant, null)).toBeDefined();
    await fixture.core.smtpCredentials.regeneratePassword(testScope(fixture), credential.id);
    expect(await verifier.recheck(result.grant, null)).toBeUndefined();
    await fixture.core.smtpCredentials.delete(testScope(fixture), credential.id);
    expect(await verifier.recheck(result.grant, null)).toBeUndefined();
  });

  it("reports an unreachable database as such, never as a bad password", async () => {
    const credential = await fixture.createCredential();
    const closed = await createSmtpAuthFixture();
    const unreachable = createSmtpVerifier({ db: closed.database.db, hasher: fixture.hasher });
    await closed.database.destroy();
    const failure = await unreachable.verify({ username: credential.username, password: credential.password }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(CredentialStoreUnavailableError);
    // The database's own error travels along: the server's fault log writes its message.
    expect((failure as Error).cause).toBeInstanceOf(Error);
    const grant = { credentialId: credential.id, organizationId: fixture.organizationId, username: "x" };
    await expect(unreachable.recheck({ ...grant, hashFingerprint: "x" }, null)).rejects.toThrow(
      CredentialStoreUnavailableError,
    );
  });
});

describe("verification cache", () => {
  it("vouches only for the exact hash a password was verified against", () => {
    const cache = createVerificationCache();
    cache.remember("password-1", "hash-a");
    expect(cache.vouches("password-1", "hash-a")).toBe(true);
    expect(cache.vouches("password-1", "hash-b")).toBe(false);
    expect(cache.vouches("password-1", "hash-a")).toBe(false);
    expect(cache.vouches("password-2", "hash-a")).toBe(false);
  });

  it("stays within its size, dropping the least recently used", () => {
    const cache = createVerificationCache({ maxEntries: 3 });
    for (const n of [1, 2, 3]) cache.remember(`p${n}`, `h${n}`);
    expect(cache.vouches("p1", "h1")).toBe(true);
    cache.remember("p4", "h4");
    expect(cache.size).toBe(3);
    expect(cache.vouches("p2", "h2")).toBe(false);
    expect(cache.vouches("p1", "h1")).toBe(true);
    expect(cache.vouches("p4", "h4")).toBe(true);
  });
});
