import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fieldErrorMap, fieldErrorsOf } from "./input-errors";

const input = z.strictObject({
  username: z.string().min(4, "Too short"),
  allowedIps: z.array(z.string().max(3, "Not a range")),
  limits: z.strictObject({ perMinute: z.number().min(1, "At least 1"), perHour: z.number().optional() }),
});

const errorsFor = (value: unknown) => {
  const parsed = input.safeParse(value);
  return parsed.success ? {} : fieldErrorMap(fieldErrorsOf(parsed.error.issues));
};

describe("tRPC's field errors", () => {
  it("name a nested field by its path and by its top-level field, and a list's item by the list", () => {
    expect(errorsFor({ username: "ab", allowedIps: ["ok", "too long"], limits: { perMinute: 0 } })).toEqual({
      username: ["Too short"],
      allowedIps: ["Not a range"],
      "limits.perMinute": ["At least 1"],
      limits: ["At least 1"],
    });
  });

  it("name an unknown field as itself, at the top and inside an object", () => {
    expect(errorsFor({ username: "abcd", allowedIps: [], limits: { perMinute: 1, perDya: 2 }, usernme: "x" })).toEqual({
      "limits.perDya": ["Unknown field"],
      limits: ["Unknown field"],
      usernme: ["Unknown field"],
    });
  });

  it("leave out what is wrong with the input as a whole", () => {
    expect(errorsFor("not an object")).toEqual({});
  });
});
