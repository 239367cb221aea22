import type { RegistrationMode } from "@relaypost/contract";
import { schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { count } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createCore } from "../core";
import type { Core } from "../services";
import { RegistrationClosedError } from "./registration";

describe("registration modes", () => {
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    await Promise.all(databases.splice(0).map((database) => database.destroy()));
  });

  async function instance(registration: RegistrationMode) {
    const database = await createTestDatabase();
    databases.push(database);
    return { database, core: createCore({ db: database.db, registration }) };
  }

  const account = (n: string) => ({ email: `${n}@example.com`, password: `${n}-password-1`, name: n });
  const ownSignUp = (core: Core, n: string) =>
    core.users.signUp({ account: account(n), joins: { organizationName: `${n} Org` } }, null);
  const invitedSignUp = (core: Core, n: string, invitationToken: string) =>
    core.users.signUp({ account: account(n), joins: { invitationToken } }, null);

  async function userCount(database: TestDatabase) {
    const [row] = await database.db.select({ n: count() }).from(schema.users);
    return row?.n;
  }

  /** The first owner's invitation, as the organization's owner makes one. */
  async function invitationFrom(core: Core, n: string) {
    const signedIn = await core.users.signIn(account(n).email, account(n).password, null);
    if (!signedIn.ok) throw new Error("the owner could not sign in");
    const [organization] = await core.organizations.listForUser(signedIn.user.id);
    if (!organization) throw new Error("the owner has no organization");
    const actor = { type: "user" as const, id: signedIn.user.id, label: signedIn.user.email, remoteAddress: null };
    const { token } = await core.invitations.create(
      { organizationId: organization.id, actor, role: "viewer" },
      "viewer",
    );
    return { token, organizationId: organization.id };
  }

  async function membershipsOf(core: Core, n: string) {
    const signedIn = await core.users.signIn(account(n).email, account(n).password, null);
    if (!signedIn.ok) return undefined;
    return (await core.organizations.listForUser(signedIn.user.id)).map((o) => o.id);
  }

  it("open: anyone signs up with an organization of their own, and says the first account is still to come", async () => {
    const { core } = await instance("open");
    expect(await core.users.registration()).toEqual({ mode: "open", firstUser: true });
    await ownSignUp(core, "first");
    expect(await core.users.registration()).toEqual({ mode: "open", firstUser: false });
    await ownSignUp(core, "second");
    expect(await membershipsOf(core, "second")).toHaveLength(1);
  });

  it("invite: the first account of an empty instance signs up freely; after it, only an invitation admits", async () => {
    const { core, database } = await instance("invite");
    expect(await core.users.registration()).toEqual({ mode: "invite", firstUser: true });
    await ownSignUp(core, "owner");
    expect(await core.users.registration()).toEqual({ mode: "invite", firstUser: false });

    const refused = ownSignUp(core, "stranger");
    await expect(refused).rejects.toBeInstanceOf(RegistrationClosedError);
    await expect(refused).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "Sign-up needs an invitation on this server",
    });
    expect(await userCount(database)).toBe(1);

    const { token, organizationId } = await invitationFrom(core, "owner");
    await invitedSignUp(core, "invitee", token);
    expect(await membershipsOf(core, "invitee")).toEqual([organizationId]);
  });

  it("closed: after the first account nobody signs up, not even with an invitation, which stays usable for an existing account", async () => {
    const { core, database } = await instance("closed");
    await ownSignUp(core, "owner");
    await expect(ownSignUp(core, "stranger")).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "Sign-up is closed on this server; ask its operator for an account",
    });

    const { token, organizationId } = await invitationFrom(core, "owner");
    await expect(invitedSignUp(core, "invitee", token)).rejects.toBeInstanceOf(RegistrationClosedError);
    expect(await userCount(database)).toBe(1);

    const existing = await core.users.create(account("existing"));
    const actor = { type: "user" as const, id: existing.id, label: existing.email, remoteAddress: null };
    await expect(core.invitations.accept(actor, token)).resolves.toEqual({ organizationId, role: "viewer" });
  });

  it.each(["invite", "closed"] as const)(
    "%s: of concurrent first sign-ups on an empty instance exactly one becomes the owner",
    async (mode) => {
      const { core, database } = await instance(mode);
      const outcomes = await Promise.allSettled(["a", "b", "c", "d"].map((n) => ownSignUp(core, `racer-${n}`)));
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      for (const outcome of outcomes.filter((o) => o.status === "rejected")) {
        expect(outcome.reason).toBeInstanceOf(RegistrationClosedError);
      }
      expect(await userCount(database)).toBe(1);
    },
  );
});
