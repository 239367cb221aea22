/** The session cookie a browser signs in with. */
export const SESSION_COOKIE = "relaypost_session";
/** Which of the caller's organizations a request acts in; the first one when absent. */
export const ORGANIZATION_HEADER = "x-relaypost-organization";
/** Sent as "1" with every mutation a session makes: a cross-site form cannot set it. */
export const CSRF_HEADER = "x-relaypost-csrf";

/** The STARTTLS submission port when the operator sets none. */
export const DEFAULT_SMTP_PORT = 2525;

/**
 * The most calls one HTTP batch or one WebSocket message may carry; a larger one is refused whole, before any call
 * runs. Without it one small request could queue a thousand argon2 sign-in verifications.
 */
export const MAX_BATCH_CALLS = 10;

/**
 * The largest `/trpc` request body and WebSocket message the server reads. The largest legitimate input (a full batch
 * of 500-character descriptions) is a few tens of kilobytes.
 */
export const MAX_REQUEST_BYTES = 256 * 1024;

/** Names a create so a retry of it returns the first answer instead of creating again (docs/api.md, Idempotency). */
export const IDEMPOTENCY_KEY_HEADER = "idempotency-key";
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
