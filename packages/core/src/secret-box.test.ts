import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Keyring, SecretUnavailableError } from "./secret-box";

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

  it("shows only the current key's id when serialized", () => {
    expect(JSON.stringify({ keyring })).toBe(JSON.stringify({ keyring: `Keyring(${keyring.currentKeyId})` }));
  });
});
