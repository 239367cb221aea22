import { describe, expect, it } from "vitest";
import {
  formatSmtpPassword,
  generateLookupId,
  parseSmtpPassword,
  SMTP_PASSWORD_PATTERN,
  SMTP_PASSWORD_SCANNER_REGEX,
} from "./password";

/** Written out rather than imported, so that narrowing the alphabet the code draws from fails the test. */
const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

describe("SMTP password format", () => {
  it("carries the lookup id and a valid checksum", () => {
    const lookupId = generateLookupId();
    const password = formatSmtpPassword(lookupId);
    expect(password).toMatch(SMTP_PASSWORD_PATTERN);
    expect(password.startsWith("rpsmtp_")).toBe(true);
    expect(parseSmtpPassword(password)).toEqual({ lookupId });
  });

  it("holds at least 128 bits of secret: 32 positions, each drawn from all 62 base62 characters", () => {
    // Read off the generated passwords, not the format's constants: `rpsmtp_`, 12 of lookup id, `_`, secret, 6 of
    // checksum. Over 2,000 draws every position shows all 62 characters (a miss has odds of about 1e-12).
    const secrets = Array.from({ length: 2000 }, () => formatSmtpPassword("aaaaaaaaaaaa").slice(20, -6));
    const lengths = new Set(secrets.map((secret) => secret.length));
    expect([...lengths]).toEqual([32]);
    const seenAt = Array.from({ length: 32 }, (_, i) => new Set(secrets.map((secret) => secret[i])));
    for (const seen of seenAt) expect([...seen].sort().join("")).toBe([...BASE62].sort().join(""));
    const bits = seenAt.reduce((sum, seen) => sum + Math.log2(seen.size), 0);
    expect(bits).toBeGreaterThanOrEqual(128);
  });

  it("never repeats a password", () => {
    const seen = new Set(Array.from({ length: 1000 }, () => formatSmtpPassword("aaaaaaaaaaaa")));
    expect(seen.size).toBe(1000);
  });

  it("rejects a password with one character changed, by checksum", () => {
    const password = formatSmtpPassword(generateLookupId());
    const index = 25;
    const changed = password.slice(0, index) + (password[index] === "A" ? "B" : "A") + password.slice(index + 1);
    expect(parseSmtpPassword(changed)).toBeUndefined();
  });

  it.each(["", "rpsmtp_", "hunter2", "rpsmtp_ABCDEFGHIJKL_xxx", `x${formatSmtpPassword("abcdefghijkl")}`])(
    "rejects malformed input %j",
    (input) => {
      expect(parseSmtpPassword(input)).toBeUndefined();
    },
  );

  it("is found by the published scanner rule inside surrounding text", () => {
    const password = formatSmtpPassword(generateLookupId());
    const text = `SMTP_PASSWORD=${password}\nother=rpsmtp_notreal`;
    const found = text.match(new RegExp(SMTP_PASSWORD_SCANNER_REGEX, "g"));
    expect(found).toEqual([password]);
  });
});
