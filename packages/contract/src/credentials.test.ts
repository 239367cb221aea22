import { describe, expect, it } from "vitest";
import {
  allowedSenderSchema,
  allowedSendersSchema,
  DESCRIPTION_MAX_LENGTH,
  descriptionSchema,
  requestedUsernameSchema,
  USERNAME_PATTERN,
} from "./credentials";

describe("the username rule", () => {
  it("accepts 4 to 50 letters, digits and underscores", () => {
    for (const username of ["abcd", "rails_production", "A1_b", "x".repeat(50)]) {
      expect(USERNAME_PATTERN.test(username)).toBe(true);
    }
  });

  it("rejects names too short, too long or with other characters", () => {
    for (const username of ["abc", "x".repeat(51), "bad-name", "with space", "ünïcode", "dot.ted"]) {
      expect(USERNAME_PATTERN.test(username)).toBe(false);
    }
  });

  it("takes a requested username trimmed, and blank as a request to generate one", () => {
    expect(requestedUsernameSchema.parse("  rails_production ")).toBe("rails_production");
    expect(requestedUsernameSchema.parse("   ")).toBe("");
    expect(requestedUsernameSchema.safeParse("ab").success).toBe(false);
  });
});

describe("the description rule", () => {
  it("trims before it counts, so surrounding spaces never push a description over the limit", () => {
    const longest = "x".repeat(DESCRIPTION_MAX_LENGTH);
    expect(descriptionSchema.parse(`  ${longest}  `)).toBe(longest);
  });

  it("refuses one character over the limit", () => {
    expect(descriptionSchema.safeParse("x".repeat(DESCRIPTION_MAX_LENGTH + 1)).success).toBe(false);
  });
});

describe("the allowed senders rule", () => {
  it("takes domains, *.domains and addresses, lower-cased and trimmed, without duplicates", () => {
    expect(
      allowedSendersSchema.parse([" Example.COM", "*.corp.example.org", "App@Example.com", "example.com"]),
    ).toEqual(["example.com", "*.corp.example.org", "app@example.com"]);
  });

  it.each([
    "",
    "example",
    "*.com",
    "*example.com",
    "a@b@example.com",
    "-bad.example.com",
    "exa mple.com",
    "@example.com",
  ])("refuses %j", (rule) => {
    expect(allowedSenderSchema.safeParse(rule).success).toBe(false);
  });
});
