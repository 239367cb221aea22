import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Keyring, previousSecretKeysSchema, SecretUnavailableError, secretKeySchema } from "./secret-box";

/** What `fn` threw. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("sealing upstream passwords with AES-256-GCM", () => {
  const keyring = new Keyring(randomBytes(32));

  it("opens what it sealed, under a fresh 12-byte IV each time, and the ciphertext does not hold the plaintext", () => {
    const first = keyring.seal("upstream-password", "org-a");
    const second = keyring.seal("upstream-password", "org-a");
    expect(first.iv).toHaveLength(12);
    expect(first.tag).toHaveLength(16);
    expect(first.iv.equals(second.iv)).toBe(false);
    expect(first.ciphertext.equals(second.ciphertext)).toBe(false);
    expect(first.ciphertext.includes(Buffer.from("upstream-password"))).toBe(false);
    expect(first.keyId).toBe(keyring.currentKeyId);
    expect(keyring.open(first, "org-a")).toBe("upstream-password");
  });

  it("refuses a value sealed for another organization, or altered", () => {
    const sealed = keyring.seal("upstream-password", "org-a");
    expect(() => keyring.open(sealed, "org-b")).toThrow(SecretUnavailableError);
    // Named so in logs and serialized errors; the message says why without naming the secret.
    const refusal = thrownBy(() => keyring.open(sealed, "org-b"));
    expect(refusal).toMatchObject({
      name: "SecretUnavailableError",
      message: "the stored secret does not open (tampered or another row's)",
    });
    expect(String(refusal)).not.toContain("upstream-password");
    const altered = Buffer.from(sealed.ciphertext);
    altered[0] = (altered[0] ?? 0) ^ 1;
    expect(() => keyring.open({ ...sealed, ciphertext: altered }, "org-a")).toThrow(SecretUnavailableError);
  });

  it("opens values sealed under a retired key, seals under the current one, and names a missing key by id", () => {
    const oldKey = randomBytes(32);
    const retired = new Keyring(oldKey);
    const sealed = retired.seal("upstream-password", "org-a");
    const rotated = new Keyring(randomBytes(32), [oldKey]);
    expect(rotated.open(sealed, "org-a")).toBe("upstream-password");
    expect(rotated.seal("x", "org-a").keyId).not.toBe(sealed.keyId);
    expect(() => new Keyring(randomBytes(32)).open(sealed, "org-a")).toThrow(sealed.keyId);
  });

  it("ids a key by the first 16 hex digits of its SHA-256, the same in every keyring", () => {
    const key = randomBytes(32);
    const id = new Keyring(key).currentKeyId;
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(createHash("sha256").update(key).digest("hex").startsWith(id)).toBe(true);
    expect(new Keyring(key, [randomBytes(32)]).currentKeyId).toBe(id);
    expect(new Keyring(randomBytes(32), [key]).currentKeyId).not.toBe(id);
  });

  it("refuses a value sealed under a key it does not hold, naming that key's id", () => {
    const sealed = new Keyring(randomBytes(32)).seal("upstream-password", "org-a");
    const refusal = thrownBy(() => keyring.open(sealed, "org-a"));
    expect(refusal).toBeInstanceOf(SecretUnavailableError);
    expect(refusal).toMatchObject({
      name: "SecretUnavailableError",
      message: `the stored secret was sealed with server key ${sealed.keyId}, which RELAYPOST_SECRET_KEY(_PREVIOUS) does not hold`,
    });
  });

  it("shows only the current key's id when serialized", () => {
    expect(JSON.stringify({ keyring })).toBe(JSON.stringify({ keyring: `Keyring(${keyring.currentKeyId})` }));
  });
});

describe("the server keys from the environment", () => {
  const key = Buffer.from(Array.from({ length: 32 }, (_, n) => n * 7));
  const base64 = key.toString("base64");
  const rule = "must be 32 bytes in base64 (openssl rand -base64 32)";
  const refusal = (path: number[] = []) => [{ code: "custom", message: rule, path }];

  it("takes 32 bytes in base64, around whitespace, with or without its padding", () => {
    expect(base64).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(secretKeySchema.parse(base64)).toEqual(key);
    expect(secretKeySchema.parse(` ${base64}\n`)).toEqual(key);
    expect(secretKeySchema.parse(base64.replace(/=$/, ""))).toEqual(key);
    expect(secretKeySchema.parse(`${base64}=`)).toEqual(key);
  });

  it("refuses a key of another length, with the rule and how to make a key", () => {
    for (const wrong of [randomBytes(31), randomBytes(33), randomBytes(16), Buffer.alloc(0)]) {
      expect(secretKeySchema.safeParse(wrong.toString("base64")).error?.issues).toEqual(refusal());
    }
    expect(secretKeySchema.safeParse("not a key").error?.issues).toEqual(refusal());
  });

  it("refuses base64 that only decodes to 32 bytes by ignoring what does not belong", () => {
    // The last character before the padding carries 2 bits of the key and 4 that must be zero.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const last = alphabet.indexOf(base64.charAt(42));
    const sloppy = `${base64.slice(0, 42)}${alphabet.charAt(last + 1)}=`;
    expect(Buffer.from(sloppy, "base64")).toEqual(key);
    expect(secretKeySchema.safeParse(sloppy).error?.issues).toEqual(refusal());
    // base64url or stray characters decode too, but are not the key as written.
    const urlSafe = randomBytes(32);
    while (!/[+/]/.test(urlSafe.toString("base64"))) urlSafe.set(randomBytes(32));
    expect(secretKeySchema.safeParse(urlSafe.toString("base64url")).error?.issues).toEqual(refusal());
    expect(secretKeySchema.safeParse(`${base64.slice(0, 20)}!${base64.slice(20)}`).error?.issues).toEqual(refusal());
  });

  it("reads the retired keys as a comma-separated list, skipping empty entries", () => {
    const other = randomBytes(32);
    expect(previousSecretKeysSchema.parse("")).toEqual([]);
    expect(previousSecretKeysSchema.parse(base64)).toEqual([key]);
    expect(previousSecretKeysSchema.parse(`${base64}, ,${other.toString("base64")},`)).toEqual([key, other]);
    expect(previousSecretKeysSchema.parse(`,\t${other.toString("base64")} ,,${base64}`)).toEqual([other, key]);
  });

  it("refuses a list with a bad key, pointing at its place in the list", () => {
    expect(previousSecretKeysSchema.safeParse(`${base64},${randomBytes(16).toString("base64")}`).error?.issues).toEqual(
      refusal([1]),
    );
  });
});
