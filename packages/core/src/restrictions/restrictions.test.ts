import { describe, expect, it } from "vitest";
import { loginRestriction } from "./restrictions";

describe("what keeps a right password from logging in", () => {
  const now = Date.UTC(2026, 5, 1, 12);

  it("is expired from the expiry time on, not before", () => {
    const row = { allowedIps: [], expiresAt: new Date(now) };
    expect(loginRestriction(row, "192.0.2.1", now)).toBe("expired");
    expect(loginRestriction(row, "192.0.2.1", now - 1)).toBeUndefined();
    expect(loginRestriction({ allowedIps: [], expiresAt: null }, "192.0.2.1", now)).toBeUndefined();
  });

  it("is an address outside the allowlist, and expiry is told first", () => {
    const row = { allowedIps: ["192.0.2.0/24"], expiresAt: null };
    expect(loginRestriction(row, "192.0.2.200", now)).toBeUndefined();
    expect(loginRestriction(row, "198.51.100.1", now)).toBe("ip_not_allowed");
    expect(loginRestriction({ ...row, expiresAt: new Date(now - 1) }, "198.51.100.1", now)).toBe("expired");
  });
});
