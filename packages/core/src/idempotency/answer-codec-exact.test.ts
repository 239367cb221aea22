import { describe, expect, it } from "vitest";
import { canonicalJson, decodeAnswer, encodeAnswer } from "./answer-codec";

describe("answer codec, exactly", () => {
  it("gives back plain objects, arrays, nulls and a non-string $date field as they were", () => {
    const answer = { a: { b: 1 }, list: [1, "two", { c: null }], none: null, odd: { $date: 5 }, text: "x" };
    expect(decodeAnswer(encodeAnswer(answer))).toEqual(answer);
  });

  it("writes a Date as a $date object holding its ISO time", () => {
    expect(encodeAnswer({ at: new Date("2026-01-02T03:04:05.678Z") })).toBe(
      '{"at":{"$date":"2026-01-02T03:04:05.678Z"}}',
    );
  });

  it("orders keys at every depth, inside arrays too, and keeps Dates and nulls as values", () => {
    expect(
      canonicalJson({
        d: 4,
        c: [{ z: 1, y: null }],
        b: new Date("2026-01-02T03:04:05.678Z"),
        a: { k: "v", e: undefined, f: true },
      }),
    ).toBe('{"a":{"f":true,"k":"v"},"b":{"$date":"2026-01-02T03:04:05.678Z"},"c":[{"y":null,"z":1}],"d":4}');
  });

  it("writes top-level arrays and scalars as plain JSON", () => {
    expect(canonicalJson([{ b: 1, a: 2 }, 3])).toBe('[{"a":2,"b":1},3]');
    expect(canonicalJson(null)).toBe("null");
    expect(canonicalJson("text")).toBe('"text"');
  });

  it("orders keys given in any order", () => {
    expect(canonicalJson({ b: 2, d: 4, a: 1, c: 3 })).toBe('{"a":1,"b":2,"c":3,"d":4}');
    expect(canonicalJson({ c: 3, a: 1, d: 4, b: 2 })).toBe('{"a":1,"b":2,"c":3,"d":4}');
  });
});
