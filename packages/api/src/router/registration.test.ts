import type { RegistrationMode } from "@relaypost/contract";
import { operatorScope } from "@relaypost/core";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness, failure } from "../testing";

describe("auth.registration and sign-up under REGISTRATION", () => {
  const harnesses: ApiHarness[] = [];
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.destroy()));
  });

  async function harness(registration?: RegistrationMode) {
    const h = await createApiHarness(registration ? { registration } : {});
    harnesses.push(h);
    return h;
  }

  const newcomer = (name: string) => ({ email: `${name}@example.com`, password: "newcomer-password-1" });

  it("is open by default: anyone signs up, and the answer says so to anonymous callers", async () => {
    const h = await harness();
    const anonymous = await h.anonymous();
    expect(await anonymous.auth.registration()).toEqual({ mode: "open", firstUser: true });
    await anonymous.auth.signUp({ ...newcomer("first"), organizationName: "First" });
    await anonymous.auth.signUp({ ...newcomer("second"), organizationName: "Second" });
    expect(await anonymous.auth.registration()).toEqual({ mode: "open", firstUser: false });
  });

  it("invite: admits the first owner, then refuses sign-up without an invitation as FORBIDDEN and admits one with it", async () => {
    const h = await harness("invite");
    const anonymous = await h.anonymous();
    expect(await anonymous.auth.registration()).toEqual({ mode: "invite", firstUser: true });
    await anonymous.auth.signUp({ ...newcomer("owner"), organizationName: "Owners" });
    expect(await anonymous.auth.registration()).toEqual({ mode: "invite", firstUser: false });

    const refused = await failure(anonymous.auth.signUp({ ...newcomer("stranger"), organizationName: "Strangers" }));
    expect(refused).toMatchObject({ code: "FORBIDDEN", message: "Sign-up needs an invitation on this server" });

    const org = await h.createOrganization();
    const { token } = await h.core.invitations.create(operatorScope(org.id, "test"), "viewer");
    await anonymous.auth.signUp({ ...newcomer("invitee"), invitationToken: token });
    await anonymous.auth.signIn(newcomer("invitee"));
    await expect(h.core.invitations.preview(token, null)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("closed: refuses sign-up with or without an invitation once an account exists", async () => {
    const h = await harness("closed");
    const org = await h.createOrganization();
    const anonymous = await h.anonymous();
    expect(await anonymous.auth.registration()).toEqual({ mode: "closed", firstUser: false });
    const { token } = await h.core.invitations.create(operatorScope(org.id, "test"), "viewer");
    for (const joins of [{ organizationName: "Strangers" }, { invitationToken: token }]) {
      const refused = await failure(anonymous.auth.signUp({ ...newcomer("stranger"), ...joins }));
      expect(refused).toMatchObject({
        code: "FORBIDDEN",
        message: "Sign-up is closed on this server; ask its operator for an account",
      });
    }
    await expect(h.core.invitations.preview(token, null)).resolves.toMatchObject({ role: "viewer" });
  });
});
