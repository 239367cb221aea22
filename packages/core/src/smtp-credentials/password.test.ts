import { describe, expect, it } from "vitest";
import {
  formatSmtpPassword,
  generateLookupId,
  parseSmtpPassword,
  SMTP_PASSWORD_PATTERN,
  SMTP_PASSWORD_SCANNER_REGEX,
} from "./password";

describe("SMTP password format", () => {
  it("carries the lookup id and a valid checksum", () => {
    const lookupId = generateLookupId();
    const password = formatSmtpPassword(lookupId);
    expect(password).toMatch(SMTP_PASSWORD_PATTERN);
    expect(password.startsWith("rpsmtp_")).toBe(true);
    expect(parseSmtpPassword(password)).toEqual({ lookupId });
  });

  it("holds at least 128 bits of secret", () => {
    const secret = formatSmtpPassword(generateLookupId()).split("_")[2]?.slice(0, 32) ?? "";
    expect(secret.length * Math.log2(62)).toBeGreaterThanOrEqual(128);
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
