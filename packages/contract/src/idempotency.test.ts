import { describe, expect, it } from "vitest";
import { idempotencyKeySchema } from "./idempotency";

describe("the Idempotency-Key rule", () => {
  it("accepts 1 to 255 printable ASCII characters", () => {
    for (const key of ["a", "0b7c9f9e-5d1e-4f7a-9a53-1e6b2b8f4c11", "retry #2: create app", "~".repeat(255)]) {
      expect(idempotencyKeySchema.safeParse(key).success).toBe(true);
    }
  });

  it("refuses empty, overlong, control and non-ASCII keys", () => {
    for (const key of ["", "x".repeat(256), "tab\there", "ключ", "nul\0"]) {
      expect(idempotencyKeySchema.safeParse(key).success).toBe(false);
    }
  });
});
