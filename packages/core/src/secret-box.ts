import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { z } from "zod";

/** A secret sealed with AES-256-GCM: what the database keeps instead of the plaintext. */
export interface SealedSecret {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  /** Which server key sealed it, so rows sealed before a rotation are still opened with the old key. */
  keyId: string;
}

/** Why a sealed secret could not be opened; the message names no secret. */
export class SecretUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretUnavailableError";
  }
}

const KEY_BYTES = 32;
const IV_BYTES = 12;

/** A key's id: the start of its SHA-256, so the same key has the same id on every process and nothing leaks. */
const keyIdOf = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 16);

/**
 * The server's keys for secrets stored in the database: `current` seals, every key (current and previous ones) opens
 * what it sealed. `context` (whose the secret is: an organization's id, or a row's whole key) is bound to each
 * ciphertext as additional data, so a sealed value copied to another row does not open there.
 */
export class Keyring {
  readonly #keys: Map<string, Buffer>;
  readonly currentKeyId: string;

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    this.currentKeyId = keyIdOf(current);
    this.#keys = new Map([current, ...previous].map((key) => [keyIdOf(key), key]));
  }

  seal(plaintext: string, context: string): SealedSecret {
    const key = this.#keys.get(this.currentKeyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return { ciphertext, iv, tag: cipher.getAuthTag(), keyId: this.currentKeyId };
  }

  open(sealed: SealedSecret, context: string): string {
    const key = this.#keys.get(sealed.keyId);
    if (!key) {
      throw new SecretUnavailableError(
        `the stored secret was sealed with server key ${sealed.keyId}, which RELAYPOST_SECRET_KEY(_PREVIOUS) does not hold`,
      );
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, sealed.iv);
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(sealed.tag);
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretUnavailableError("the stored secret does not open (tampered or another row's)");
    }
  }

  toJSON(): string {
    return `Keyring(${this.currentKeyId})`;
  }
}

const keySchema = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const key = Buffer.from(value, "base64");
    if (key.length !== KEY_BYTES || key.toString("base64").replace(/=+$/, "") !== value.replace(/=+$/, "")) {
      ctx.addIssue({ code: "custom", message: "must be 32 bytes in base64 (openssl rand -base64 32)" });
      return z.NEVER;
    }
    return key;
  });

/** `RELAYPOST_SECRET_KEY`: one key, 32 bytes in base64. */
export const secretKeySchema = keySchema;

/** `RELAYPOST_SECRET_KEY_PREVIOUS`: keys retired by a rotation, comma-separated, still used to open old rows. */
export const previousSecretKeysSchema = z
  .string()
  .transform((value) => value.split(",").filter((part) => part.trim() !== ""))
  .pipe(z.array(keySchema));
