import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describeFieldErrors, fieldErrorMap, fieldErrorsOf } from "./input-errors";

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

describe("the sentence of refused input", () => {
  const errors = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ field: `field${i + 1}`, detail: `Wrong ${i + 1}` }));

  it("names each field with its reason, and tells a reason about the whole input without a field", () => {
    expect(describeFieldErrors([{ field: "", detail: "Expected an object" }])).toBe(
      "Invalid input: Expected an object",
    );
    expect(
      describeFieldErrors([
        { field: "limits.perHour", detail: "At least 1" },
        { field: "", detail: "Name your organization" },
      ]),
    ).toBe("Invalid input: limits.perHour: At least 1; Name your organization");
  });

  it("shows three reasons at most, and counts the rest", () => {
    expect(describeFieldErrors(errors(3))).toBe("Invalid input: field1: Wrong 1; field2: Wrong 2; field3: Wrong 3");
    expect(describeFieldErrors(errors(4))).toBe(
      "Invalid input: field1: Wrong 1; field2: Wrong 2; field3: Wrong 3 (and 1 more)",
    );
    expect(describeFieldErrors(errors(7))).toBe(
      "Invalid input: field1: Wrong 1; field2: Wrong 2; field3: Wrong 3 (and 4 more)",
    );
  });
});

describe("a field error's list item", () => {
  it("is a segment of digits only: it counts as its list; a name with digits in it is a field of its own", () => {
    expect(
      fieldErrorMap([
        { field: "recipients.10.address", detail: "Not an address" },
        { field: "limits.a1", detail: "Unknown field" },
        { field: "headers.1a", detail: "Unknown field" },
        { field: "2", detail: "Not a list item" },
      ]),
    ).toEqual({
      recipients: ["Not an address"],
      "limits.a1": ["Unknown field"],
      limits: ["Unknown field"],
      "headers.1a": ["Unknown field"],
      headers: ["Unknown field"],
    });
  });
});
