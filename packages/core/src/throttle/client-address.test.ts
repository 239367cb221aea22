import { describe, expect, it } from "vitest";
import { throttleAddress } from "./client-address";

describe("the address a client is throttled by", () => {
  it("is the whole /64 for IPv6, however the address is written", () => {
    expect(throttleAddress("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(throttleAddress("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(throttleAddress("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
  });

  it("is the address itself for IPv4, also when written IPv4-mapped", () => {
    expect(throttleAddress("192.0.2.7")).toBe("192.0.2.7");
    expect(throttleAddress("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(throttleAddress("192.0.2.8")).toBe("192.0.2.8");
  });

  it("keeps anything it cannot parse as it is", () => {
    expect(throttleAddress("unknown")).toBe("unknown");
  });
});
