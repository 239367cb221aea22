import { describe, expect, it } from "vitest";
import { BASE36, BASE62, randomString, toBase62 } from "./random";

/** The number base62 digits stand for, most significant first. */
const fromBase62 = (digits: string) => [...digits].reduce((value, digit) => value * 62 + BASE62.indexOf(digit), 0);

describe("base62 rendering", () => {
  it("writes a number in positional base62 digits, most significant first, padded to the width", () => {
    expect(toBase62(0, 3)).toBe("AAA");
    expect(toBase62(61, 2)).toBe("A9");
    expect(toBase62(62, 2)).toBe("BA");
    expect(toBase62(62 * 62 - 1, 2)).toBe("99");
    expect(toBase62(62 * 62 + 2 * 62 + 3, 3)).toBe("BCD");
  });

  it("reads back as the number it was made from, over the whole CRC32 range in six digits", () => {
    for (const value of [1, 61, 62, 3843, 3844, 123_456_789, 2 ** 31, 2 ** 32 - 1]) {
      const digits = toBase62(value, 6);
      expect(digits).toHaveLength(6);
      expect(fromBase62(digits)).toBe(value);
    }
  });
});

describe("random strings", () => {
  it("have the length asked for, drawn only from the alphabet given", () => {
    expect(randomString(BASE36, 0)).toBe("");
    const drawn = randomString(BASE36, 500);
    expect(drawn).toHaveLength(500);
    expect(drawn).toMatch(/^[a-z0-9]+$/);
  });
});
