import { DomainError } from "@relaypost/core";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { type ApiHarness, createApiHarness, type TestOrganization } from "../testing";

/** Names that would show as blank, or flip the text around them, wherever a name is listed. */
const INVISIBLE_NAMES = ["\u200b", "\u202e", "\u2066\u2069", " \u200e\u200f ", "\u2060\u00ad", "\u3164", "\u0007"];

/** The field a refusal names, or the outcome when there was none. */
async function refusedField(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "accepted";
  } catch (error) {
    if (!(error instanceof TRPCError) || error.code !== "BAD_REQUEST") throw error;
    if (error.cause instanceof ZodError) return error.cause.issues.map((i) => i.path.join(".")).join(",");
    if (error.cause instanceof DomainError) return error.cause.field ?? "";
    return "no field";
  }
}

describe("organization and user names made only of invisible characters", () => {
  let h: ApiHarness;
  let org: TestOrganization;
  let n = 0;
  const email = () => `names-${n++}@example.com`;
  beforeAll(async () => {
    h = await createApiHarness();
    org = await h.createOrganization();
  });
  afterAll(() => h.destroy());

  it("are refused on their field at sign-up, creation and renaming", async () => {
    const owner = await h.asSession(org.owner.sessionToken, org.id);
    const anonymous = await h.anonymous();
    const before = (await owner.organizations.current()).name;
    const outcomes = [];
    for (const name of INVISIBLE_NAMES) {
      const password = "password-123456";
      outcomes.push({
        name,
        signUpOrganization: await refusedField(
          anonymous.auth.signUp({ email: email(), password, organizationName: name }),
        ),
        signUpUser: await refusedField(
          anonymous.auth.signUp({ email: email(), password, name, organizationName: "Ok" }),
        ),
        create: await refusedField(owner.organizations.create({ name })),
        rename: await refusedField(owner.organizations.rename({ name })),
        core: await refusedField(
          h.core.organizations.create({ name, owner: { userId: org.owner.id } }).catch((cause: unknown) => {
            throw new TRPCError({ code: "BAD_REQUEST", cause });
          }),
        ),
      });
    }
    expect(outcomes).toEqual(
      INVISIBLE_NAMES.map((name) => ({
        name,
        signUpOrganization: "organizationName",
        signUpUser: "name",
        create: "name",
        rename: "name",
        core: "name",
      })),
    );
    expect((await owner.organizations.current()).name).toBe(before);
  });

  it("still accept names in any script, and a name with an invisible character inside", async () => {
    const owner = await h.asSession(org.owner.sessionToken, org.id);
    const anonymous = await h.anonymous();
    const signedUpAs = async (account: { name?: string; organizationName: string }) => {
      const address = email();
      await anonymous.auth.signUp({ email: address, password: "password-123456", ...account });
      const { user } = await anonymous.auth.signIn({ email: address, password: "password-123456" });
      return user;
    };
    for (const name of ["東京支社", "Ünïcødé GmbH", "🚀 Rockets", "Acme\u200bCo"]) {
      await owner.organizations.rename({ name });
      expect((await owner.organizations.current()).name).toBe(name);
      expect((await signedUpAs({ name, organizationName: name })).name).toBe(name);
    }
    expect((await signedUpAs({ organizationName: "X" })).name).toBe("");
  });
});
