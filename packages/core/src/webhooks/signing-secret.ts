import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import type { Keyring, SealedSecret } from "../secret-box";

const PREFIX = "whsec_";

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64, what receivers' libraries take as is. */
export const generateSigningSecret = () => `${PREFIX}${randomBytes(32).toString("base64")}`;

/** A sealed secret as one text column: key id, IV, tag and ciphertext, dot-separated, the last three in base64. */
export function sealSigningSecret(keyring: Keyring, secret: string, organizationId: string): string {
  const { keyId, iv, tag, ciphertext } = keyring.seal(secret, organizationId);
  return [keyId, iv, tag, ciphertext]
    .map((part) => (typeof part === "string" ? part : part.toString("base64")))
    .join(".");
}

export function openSigningSecret(keyring: Keyring, stored: string, organizationId: string): string {
  const [keyId = "", iv = "", tag = "", ciphertext = ""] = stored.split(".");
  const sealed: SealedSecret = {
    keyId,
    iv: Buffer.from(iv, "base64"),
    tag: Buffer.from(tag, "base64"),
    ciphertext: Buffer.from(ciphertext, "base64"),
  };
  return keyring.open(sealed, organizationId);
}

/**
 * The `webhook-signature` header: one `v1,<signature>` per secret, space-separated, so during a rotation a receiver
 * holding either the new or the previous secret accepts the message.
 */
export function signatureHeader(secrets: readonly string[], messageId: string, at: Date, payload: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(messageId, at, payload)).join(" ");
}
