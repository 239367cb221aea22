import { describe, expect, it } from "vitest";
import { hasVisibleCharacter, userNameSchema } from "./names";

describe("visible names", () => {
  it("finds no visible character in names made of controls, bidi and zero-width characters, separators or fillers", () => {
    const invisible = [
      "",
      "\u200b",
      "\u202e",
      "\u202a\u202c",
      "\u2066\u2069",
      "\u200e\u200f",
      "\u200c\u200d",
      "\u2060",
      "\u00ad",
      "\ufeff",
      "\u180e",
      "\u3164",
      "\u115f\u1160",
      "\u{e0041}\u{e007f}",
      "\u0007\u001b",
      " \u00a0\u2007\u3000\u2028",
      " \u200b \u202e ",
    ];
    expect(invisible.filter(hasVisibleCharacter)).toEqual([]);
  });

  it("finds one in ordinary names in any script, even with a zero-width or bidi character inside", () => {
    const visible = ["Acme", "a", "Ünïcødé GmbH", "東京支社", "שלום", "🚀", "Acme\u200bCo", "\u202eAcme", "-", "."];
    expect(visible.filter((name) => !hasVisibleCharacter(name))).toEqual([]);
  });
});

describe("a user's display name", () => {
  const rule = "Use at least one visible character";

  it("may be left empty, or blank around what it shows", () => {
    expect(userNameSchema.parse("")).toBe("");
    expect(userNameSchema.parse("   ")).toBe("");
    expect(userNameSchema.parse("  Ada Lovelace ")).toBe("Ada Lovelace");
    expect(userNameSchema.parse("\u202eAda")).toBe("\u202eAda");
  });

  it("is refused when made only of invisible characters, with the rule it broke", () => {
    for (const invisible of ["\u200b", " \u200b\u200d ", "\u202e", "\u3164"]) {
      expect(userNameSchema.safeParse(invisible).error?.issues.map((issue) => issue.message)).toEqual([rule]);
    }
  });
});
