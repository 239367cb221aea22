import { describe, expect, test } from "vitest";
import { usernameProblem } from "./smtp";

describe("the create form's username check, as the person types", () => {
  test("blank is fine (one is generated), as is a valid name", () => {
    expect(usernameProblem("  ")).toBeNull();
    expect(usernameProblem("rails_production")).toBeNull();
  });

  test("each broken rule is named, with how far off it is", () => {
    expect(usernameProblem("bad-name")).toBe("Use only letters, numbers and underscores");
    expect(usernameProblem("ab")).toBe("At least 4 characters (2 more)");
    expect(usernameProblem("a".repeat(53))).toBe("At most 50 characters (3 too many)");
  });
});
