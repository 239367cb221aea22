import { schema } from "@relaypost/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ZodError } from "zod";
import {
  type ApiHarness,
  type Caller,
  credentialsOfOwner,
  failure,
  fieldErrors,
  type TestOrganization,
} from "../testing";

describe("smtpCredentials", () => {
  let h: ApiHarness;
  let org: TestOrganization;
  let admin: Caller["smtpCredentials"];

  beforeAll(async () => {
    ({ h, org, admin } = await credentialsOfOwner());
  });
  afterAll(() => h.destroy());

  describe("create", () => {
    it("creates a credential with the given username and returns the password once", async () => {
      const { credential, password } = await admin.create({ username: "Rails_App", description: "  Production  " });
      expect(credential).toMatchObject({
        username: "Rails_App",
        description: "Production",
        active: true,
        lastUsedAt: null,
      });
      expect(Object.keys(credential).sort()).toEqual(
        [
          "active",
          "allowedIps",
          "allowedSenders",
          "createdAt",
          "description",
          "expiresAt",
          "id",
          "lastUsedAt",
          "limits",
          "passwordChangedAt",
          "previousPasswordExpiresAt",
          "updatedAt",
          "username",
        ].sort(),
      );
      expect(password).toMatch(/^rpsmtp_[a-z0-9]{12}_[A-Za-z0-9]{38}$/);
    });

    it.each([undefined, "", "   "])("generates smtp_ + 8 characters when the username is %j", async (username) => {
      const { credential } = await admin.create(username === undefined ? {} : { username });
      expect(credential.username).toMatch(/^smtp_[a-z0-9]{8}$/);
    });

    it.each(["abc", "a".repeat(51), "has space", "dash-name", "ünïcode", "semi;colon", "a'b"])(
      "rejects the invalid username %j with a field error",
      async (username) => {
        const error = await failure(admin.create({ username }));
        expect(error.code).toBe("BAD_REQUEST");
        expect(error.message).toContain("Username must be");
      },
    );

    it("accepts usernames of exactly 4 and 50 characters", async () => {
      await expect(admin.create({ username: "abcd" })).resolves.toBeTruthy();
      await expect(admin.create({ username: "b".repeat(50) })).resolves.toBeTruthy();
    });

    it("refuses a username taken in the organization, compared case-insensitively", async () => {
      await admin.create({ username: "django_worker" });
      const error = await failure(admin.create({ username: "DJANGO_Worker" }));
      expect(error.code).toBe("CONFLICT");
      expect(error.message).toContain("already taken");
    });

    it("allows the same username in two organizations", async () => {
      const other = await h.createOrganization();
      const otherAdmin = await h.asSession(other.owner.sessionToken, other.id);
      await admin.create({ username: "shared_name" });
      await expect(otherAdmin.smtpCredentials.create({ username: "shared_name" })).resolves.toBeTruthy();
    });

    it("rejects a description over 500 characters and accepts exactly 500", async () => {
      const error = await failure(admin.create({ description: "x".repeat(501) }));
      expect(error.code).toBe("BAD_REQUEST");
      await expect(admin.create({ description: "x".repeat(500) })).resolves.toBeTruthy();
    });

    it("stores only an argon2id hash of the password", async () => {
      const { credential, password } = await admin.create({});
      const [row] = await h.database.db
        .select()
        .from(schema.smtpCredentials)
        .where(eq(schema.smtpCredentials.id, credential.id));
      expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(row?.passwordHash).not.toContain(password);
      expect(password).toContain(row?.lookupId);
    });
  });

  describe("lifecycle", () => {
    it("regenerating makes the old password fail verification and the new one pass", async () => {
      const { credential, password: oldPassword } = await admin.create({});
      const { password: newPassword } = await admin.regeneratePassword({ id: credential.id });
      expect(newPassword).not.toBe(oldPassword);
      const [row] = await h.database.db
        .select({ hash: schema.smtpCredentials.passwordHash })
        .from(schema.smtpCredentials)
        .where(eq(schema.smtpCredentials.id, credential.id));
      const hash = row?.hash ?? "";
      expect(await h.hasher.verify(hash, oldPassword)).toBe(false);
      expect(await h.hasher.verify(hash, newPassword)).toBe(true);
    });

    it("regenerating moves passwordChangedAt to the time of the regeneration, and nothing else does", async () => {
      // Only Date is faked: the database driver's timers keep running.
      vi.useFakeTimers({ toFake: ["Date"] });
      try {
        const createdAt = new Date(Date.now() - 60_000);
        vi.setSystemTime(createdAt);
        const { credential } = await admin.create({});
        expect(credential.passwordChangedAt).toEqual(createdAt);
        const regeneratedAt = new Date(createdAt.getTime() + 30_000);
        vi.setSystemTime(regeneratedAt);
        const { credential: after } = await admin.regeneratePassword({ id: credential.id });
        expect(after.passwordChangedAt).toEqual(regeneratedAt);
        vi.setSystemTime(regeneratedAt.getTime() + 10_000);
        await admin.update({ id: credential.id, description: "changed" });
        await admin.setActive({ id: credential.id, active: false });
        expect((await admin.get({ id: credential.id })).passwordChangedAt).toEqual(regeneratedAt);
      } finally {
        vi.useRealTimers();
      }
    });

    it("records every change in the audit log and the event stream: who, from where, what, and whether it is active", async () => {
      const owner = await h.asSession(org.owner.sessionToken, org.id);
      const { credential } = await admin.create({ username: "audited_app", description: "first" });
      await admin.update({ id: credential.id, description: "second" });
      await admin.regeneratePassword({ id: credential.id });
      await admin.setActive({ id: credential.id, active: false });
      await admin.setActive({ id: credential.id, active: true });
      await admin.delete({ id: credential.id });

      const audit = (await owner.auditLog.list({ limit: 200 })).items.filter((e) => e.targetId === credential.id);
      expect(audit.reverse()).toEqual(
        [
          ["credential.created", { description: "first" }],
          ["credential.updated", { description: "second" }],
          ["credential.password_regenerated", {}],
          ["credential.deactivated", {}],
          ["credential.activated", {}],
          ["credential.deleted", {}],
        ].map(([action, metadata]) =>
          expect.objectContaining({
            action,
            metadata,
            actorType: "user",
            actorLabel: org.owner.email,
            targetType: "smtp_credential",
            targetLabel: "audited_app",
            remoteAddress: "203.0.113.7",
          }),
        ),
      );

      const { events } = await owner.events.recent({ credentialId: credential.id });
      expect(
        events.map(({ type, username, remoteAddress, data }) => ({ type, username, remoteAddress, data })),
      ).toEqual(
        (
          [
            ["credential.created", true],
            ["credential.updated", true],
            ["credential.password_regenerated", true],
            ["credential.deactivated", false],
            ["credential.activated", true],
            ["credential.deleted", true],
          ] as const
        ).map(([type, active]) => ({
          type,
          username: "audited_app",
          remoteAddress: "203.0.113.7",
          // An update names the fields it changed, so a feed can say what an edit did.
          data: {
            actor: org.owner.email,
            active,
            ...(type === "credential.updated" ? { changed: ["description"] } : {}),
          },
        })),
      );
    });

    it("deactivates and re-activates without changing the password", async () => {
      const { credential } = await admin.create({});
      const before = await h.database.db
        .select({ hash: schema.smtpCredentials.passwordHash })
        .from(schema.smtpCredentials)
        .where(eq(schema.smtpCredentials.id, credential.id));
      expect((await admin.setActive({ id: credential.id, active: false })).active).toBe(false);
      expect((await admin.get({ id: credential.id })).active).toBe(false);
      expect((await admin.setActive({ id: credential.id, active: true })).active).toBe(true);
      const after = await h.database.db
        .select({ hash: schema.smtpCredentials.passwordHash })
        .from(schema.smtpCredentials)
        .where(eq(schema.smtpCredentials.id, credential.id));
      expect(after).toEqual(before);
    });

    it("deactivate turns a credential off and activate turns it on again, as REST's paths name them", async () => {
      const { credential } = await admin.create({});
      expect((await admin.deactivate({ id: credential.id })).active).toBe(false);
      expect((await admin.get({ id: credential.id })).active).toBe(false);
      expect((await admin.activate({ id: credential.id })).active).toBe(true);
      expect((await admin.get({ id: credential.id })).active).toBe(true);
    });

    it("updates the description", async () => {
      const { credential } = await admin.create({ description: "old" });
      const updated = await admin.update({ id: credential.id, description: " new text " });
      expect(updated.description).toBe("new text");
    });

    it("deletes once, then answers NOT_FOUND, and keeps the history in the audit log", async () => {
      const { credential } = await admin.create({ username: "to_delete" });
      await expect(admin.delete({ id: credential.id })).resolves.toEqual({ id: credential.id });
      expect((await failure(admin.delete({ id: credential.id }))).code).toBe("NOT_FOUND");
      expect((await failure(admin.get({ id: credential.id }))).code).toBe("NOT_FOUND");
      const audit = await (await h.asSession(org.owner.sessionToken, org.id)).auditLog.list({ limit: 200 });
      const actions = audit.items.filter((e) => e.targetId === credential.id).map((e) => e.action);
      expect(actions).toEqual(["credential.deleted", "credential.created"]);
      expect(audit.items.find((e) => e.action === "credential.deleted")).toMatchObject({
        actorLabel: org.owner.email,
        targetLabel: "to_delete",
        remoteAddress: "203.0.113.7",
      });
    });
  });

  describe("list", () => {
    it("pages through every credential exactly once, newest first, and searches", async () => {
      const listOrg = await h.createOrganization();
      const caller = (await h.asSession(listOrg.owner.sessionToken, listOrg.id)).smtpCredentials;
      const created: string[] = [];
      for (let i = 0; i < 23; i++) {
        const { credential } = await caller.create({
          username: `app_${String(i).padStart(2, "0")}`,
          description: i % 5 === 0 ? "Billing 100% worker" : "web",
        });
        created.push(credential.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof caller.list>> = await caller.list({ limit: 10, cursor });
        seen.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...created].reverse());

      const billing = await caller.list({ search: "BILLING", limit: 100 });
      expect(billing.items.map((c) => c.username).sort()).toEqual(["app_00", "app_05", "app_10", "app_15", "app_20"]);
      const byName = await caller.list({ search: "app_1", limit: 100 });
      expect(byName.items).toHaveLength(10);
      // LIKE wildcards in the search are literal characters.
      expect((await caller.list({ search: "100%", limit: 100 })).items).toHaveLength(5);
      expect((await caller.list({ search: "%", limit: 100 })).items).toHaveLength(5);
      expect((await caller.list({ search: "____", limit: 100 })).items).toHaveLength(0);
    });

    it("rejects a forged cursor with BAD_REQUEST, saying so on the cursor field", async () => {
      const error = await failure(admin.list({ cursor: "not-a-cursor" }));
      expect(error.code).toBe("BAD_REQUEST");
      expect((error.cause as ZodError).issues).toEqual([
        expect.objectContaining({ code: "custom", path: ["cursor"], message: "Invalid cursor" }),
      ]);
      expect(await fieldErrors(admin.list({ cursor: "not-a-cursor" }))).toEqual({ cursor: ["Invalid cursor"] });
    });

    it("sorts, filters and counts, and refuses a cursor from another order", async () => {
      const listOrg = await h.createOrganization();
      const caller = (await h.asSession(listOrg.owner.sessionToken, listOrg.id)).smtpCredentials;
      for (const username of ["mike", "Alice", "zulu"]) await caller.create({ username });
      const zulu = (await caller.list({ search: "zulu" })).items[0];
      await caller.deactivate({ id: zulu?.id ?? "" });

      const byName = await caller.list({ sort: "username", order: "asc", limit: 2 });
      expect(byName.items.map((c) => c.username)).toEqual(["Alice", "mike"]);
      expect(byName.total).toBe(3);
      const active = await caller.list({ filter: "active", sort: "username", order: "desc" });
      expect(active.items.map((c) => c.username)).toEqual(["mike", "Alice"]);
      expect(active.total).toBe(2);
      expect((await caller.list({ filter: "inactive" })).total).toBe(1);

      const other = await failure(caller.list({ sort: "created", cursor: byName.nextCursor }));
      expect(other.code).toBe("BAD_REQUEST");
    });
  });
});
