import { createHash, randomBytes } from "node:crypto";
import { BASE62, randomString } from "./random";

/**
 * Session and API tokens carry 256 bits from the CSPRNG, so a fast SHA-256 at rest is enough: no dictionary can
 * reach them, unlike the user-chosen passwords that argon2id protects.
 */
export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export const API_KEY_PREFIX = "rpkey_";

export const generateApiKeyToken = () => `${API_KEY_PREFIX}${randomString(BASE62, 43)}`;

export const generateSessionToken = () => randomBytes(32).toString("base64url");
