import { z } from "zod";
import { IDEMPOTENCY_KEY_MAX_LENGTH } from "./transport";

/** An Idempotency-Key: 1–255 printable ASCII characters (a UUID is the usual choice). */
export const idempotencyKeySchema = /* @__PURE__ */ z
  .string()
  .min(1, "The Idempotency-Key header must not be empty")
  .max(
    IDEMPOTENCY_KEY_MAX_LENGTH,
    `The Idempotency-Key header must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`,
  )
  .regex(/^[\x20-\x7e]+$/, "The Idempotency-Key header must be printable ASCII");
