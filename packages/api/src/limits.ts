/**
 * Transport limits the server enforces and its clients respect. This module imports nothing, so the dashboard and
 * @relaypost/client can bundle it without the rest of the API.
 */

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
