import { describe, expect, it } from "vitest";
import { addressAllowed } from "./allowed-ips";

describe("IP allowlist", () => {
  it("allows any address when there are no ranges", () => {
    expect(addressAllowed([], "198.51.100.1")).toBe(true);
  });

  it("matches IPv4 and IPv6 ranges, and IPv4 clients seen through a dual-stack socket", () => {
    const ranges = ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7/32"];
    for (const address of ["10.1.2.3", "::ffff:10.1.2.3", "2001:db8:1::5", "2001:DB8::1", "192.0.2.7"]) {
      expect(addressAllowed(ranges, address)).toBe(true);
    }
  });

  it("refuses addresses outside every range, of the other family, or not an address at all", () => {
    const ranges = ["10.0.0.0/8", "2001:db8::/32", "::ffff:192.0.2.0/120"];
    for (const address of ["11.0.0.1", "2001:db9::1", "::a00:1", "192.0.3.1", "", "not-an-ip", null]) {
      expect(addressAllowed(ranges, address)).toBe(false);
    }
    expect(addressAllowed(ranges, "192.0.2.200")).toBe(true);
  });
});
