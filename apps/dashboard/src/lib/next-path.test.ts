import { describe, expect, test } from "vitest";
import { HOME, invitationToken, nextPath, signInFor, withNext } from "./next-path";

describe("where sign-in continues", () => {
  test("same-site paths are followed", () => {
    expect(nextPath("/settings/api-keys")).toBe("/settings/api-keys");
    expect(nextPath(undefined)).toBe(HOME);
  });

  test("another site, protocol-relative or absolute, is never followed", () => {
    expect(nextPath("//evil.example/phish")).toBe(HOME);
    expect(nextPath("https://evil.example/")).toBe(HOME);
    expect(nextPath("javascript:alert(1)")).toBe(HOME);
  });

  test("a sign-up continuing to an invitation yields its token, decoded", () => {
    expect(invitationToken("/invite/rpinv_a%2Bb")).toBe("rpinv_a+b");
    expect(invitationToken("/invite/rpinv_x/extra")).toBeUndefined();
    expect(invitationToken("//invite/rpinv_x")).toBeUndefined();
  });

  test("the way back survives going from one auth page to the other, and a signed-out visit", () => {
    expect(withNext("/signup", "/settings/members")).toBe("/signup?next=%2Fsettings%2Fmembers");
    expect(withNext("/signup", undefined)).toBe("/signup");
    expect(signInFor("/settings/api-keys")).toBe("/signin?next=%2Fsettings%2Fapi-keys");
    expect(signInFor("/")).toBe("/signin");
  });
});
