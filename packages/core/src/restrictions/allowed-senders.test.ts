import { describe, expect, it } from "vitest";
import { disallowedHeaderSender, senderAllowed } from "./allowed-senders";

const rules = ["example.com", "*.corp.example.org", "ceo@other.net"];

describe("allowed senders", () => {
  it("allows any sender when there are no rules", () => {
    expect(senderAllowed([], "anyone@anywhere.test")).toBe(true);
    expect(disallowedHeaderSender([], [])).toBeUndefined();
  });

  it("matches a domain, a domain with its subdomains and an address, case-insensitively", () => {
    for (const address of ["App@EXAMPLE.com", "x@corp.example.org", "x@mail.Corp.Example.org", "CEO@other.NET"]) {
      expect(senderAllowed(rules, address)).toBe(true);
    }
  });

  it("refuses subdomains of a plain domain, look-alike suffixes, other addresses of an address rule and no address", () => {
    for (const address of ["a@mail.example.com", "a@badexample.com", "a@xcorp.example.org", "cfo@other.net", "", "x"]) {
      expect(senderAllowed(rules, address)).toBe(false);
    }
  });

  it("checks every address of every From header, and refuses a message with none", () => {
    expect(disallowedHeaderSender(rules, ['"Boss, Big" <CEO@other.net>'])).toBeUndefined();
    expect(disallowedHeaderSender(rules, ["a@example.com, b@evil.test"])).toBe("b@evil.test");
    expect(disallowedHeaderSender(rules, ["a@example.com", "c@evil.test"])).toBe("c@evil.test");
    expect(disallowedHeaderSender(rules, [])).toBe("");
    expect(disallowedHeaderSender(rules, ["undisclosed-recipients:;"])).toBe("");
  });
});
