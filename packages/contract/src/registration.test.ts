import { describe, expect, it } from "vitest";
import { REGISTRATION_REFUSALS, signUpRefusal } from "./registration";

describe("signUpRefusal", () => {
  it("lets anyone through in open mode", () => {
    expect(signUpRefusal({ mode: "open", firstUser: false }, false)).toBeUndefined();
  });

  it("in invite mode asks for an invitation, except of an empty instance's first account", () => {
    expect(signUpRefusal({ mode: "invite", firstUser: false }, false)).toBe(REGISTRATION_REFUSALS.invite);
    expect(signUpRefusal({ mode: "invite", firstUser: false }, true)).toBeUndefined();
    expect(signUpRefusal({ mode: "invite", firstUser: true }, false)).toBeUndefined();
  });

  it("in closed mode refuses everyone but an empty instance's first account, invitation or not", () => {
    expect(signUpRefusal({ mode: "closed", firstUser: false }, false)).toBe(REGISTRATION_REFUSALS.closed);
    expect(signUpRefusal({ mode: "closed", firstUser: false }, true)).toBe(REGISTRATION_REFUSALS.closed);
    expect(signUpRefusal({ mode: "closed", firstUser: true }, false)).toBeUndefined();
  });
});
