import { describe, expect, it } from "vitest";
import { canonicalJson, decodeAnswer, encodeAnswer } from "./answer-codec";

describe("stored answers and request fingerprints", () => {
  it("gives an answer back with its Dates as Dates", () => {
    const answer = { credential: { createdAt: new Date("2026-01-02T03:04:05.678Z"), expiresAt: null, tags: ["a"] } };
    expect(decodeAnswer(encodeAnswer(answer))).toEqual(answer);
  });

  it("writes the same JSON for the same input whatever its key order, and leaves absent fields out", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: undefined } })).toBe(
      canonicalJson({ a: { d: [2, { x: 0, y: 1 }] }, b: 1 }),
    );
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
  });
});
