import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, type Caller, credentialsOfOwner, fieldErrors, type TestOrganization } from "../testing";

describe("smtpCredentials restrictions", () => {
  let h: ApiHarness;
  let org: TestOrganization;
  let admin: Caller["smtpCredentials"];

  beforeAll(async () => {
    ({ h, org, admin } = await credentialsOfOwner());
  });
  afterAll(() => h.destroy());

  it("create and update take allowed senders, normalized, and get returns them", async () => {
    const { credential } = await admin.create({ allowedSenders: ["App@Example.com", " *.Example.org "] });
    expect(credential.allowedSenders).toEqual(["app@example.com", "*.example.org"]);
    await admin.update({ id: credential.id, allowedSenders: ["example.net"] });
    expect((await admin.get({ id: credential.id })).allowedSenders).toEqual(["example.net"]);
    await admin.update({ id: credential.id, description: "kept rules" });
    expect(await admin.get({ id: credential.id })).toMatchObject({
      description: "kept rules",
      allowedSenders: ["example.net"],
    });
  });

  it("refuses an invalid allowed sender with a field error", async () => {
    expect(Object.keys(await fieldErrors(admin.create({ allowedSenders: ["not a domain"] })))).toEqual([
      "allowedSenders",
    ]);
    const { credential } = await admin.create({});
    expect(Object.keys(await fieldErrors(admin.update({ id: credential.id, allowedSenders: ["*.com"] })))).toEqual([
      "allowedSenders",
    ]);
  });

  it("takes IP ranges, IPv4 and IPv6, a single address as its own range, and refuses invalid ones on their field", async () => {
    const { credential } = await admin.create({ allowedIps: ["203.0.113.0/24", "2001:DB8::/32", "192.0.2.7"] });
    expect(credential.allowedIps).toEqual(["203.0.113.0/24", "2001:db8::/32", "192.0.2.7/32"]);
    for (const allowedIps of [["10.0.0.0/33"], ["300.1.1.1"], ["2001:db8::/129"], ["example.com"]]) {
      expect(Object.keys(await fieldErrors(admin.update({ id: credential.id, allowedIps })))).toEqual(["allowedIps"]);
    }
    await admin.update({ id: credential.id, allowedIps: [] });
    expect((await admin.get({ id: credential.id })).allowedIps).toEqual([]);
  });

  it("sets, returns and clears an expiry, and refuses a value that is not a date on its field", async () => {
    const at = new Date("2031-05-06T07:08:09Z");
    const { credential } = await admin.create({ expiresAt: at });
    expect(credential.expiresAt).toEqual(at);
    await admin.update({ id: credential.id, expiresAt: null });
    expect((await admin.get({ id: credential.id })).expiresAt).toBeNull();
    const notADate = { id: credential.id, expiresAt: "tomorrow" } as unknown as { id: string; expiresAt: Date };
    expect(Object.keys(await fieldErrors(admin.update(notADate)))).toEqual(["expiresAt"]);
  });

  it("sets and replaces sending limits, get shows them with the current usage, and invalid ones are field errors", async () => {
    const { credential } = await admin.create({ limits: { perMinute: 10, recipientsPerMessage: 5 } });
    expect(credential.limits).toEqual({ perMinute: 10, recipientsPerMessage: 5 });
    await admin.update({ id: credential.id, limits: { perDay: 1000 } });
    expect(await admin.get({ id: credential.id })).toMatchObject({
      limits: { perDay: 1000 },
      usage: { minute: 0, hour: 0, day: 0 },
    });
    for (const limits of [{ perMinute: 0 }, { perHour: 1.5 }, { perDay: -1 }, { recipientsPerMessage: 1e9 }]) {
      const [limit = ""] = Object.keys(limits);
      expect(Object.keys(await fieldErrors(admin.update({ id: credential.id, limits })))).toEqual([
        `limits.${limit}`,
        "limits",
      ]);
    }
  });

  it("regenerates with an overlap of at most 7 days, shows its end, ends it on request, and refuses a longer one", async () => {
    const { credential } = await admin.create({});
    const rotated = await admin.regeneratePassword({ id: credential.id, keepPreviousForSeconds: 604_800 });
    expect(rotated.credential.previousPasswordExpiresAt?.getTime()).toBeGreaterThan(Date.now() + 604_000_000);
    expect((await admin.endPreviousPassword({ id: credential.id })).previousPasswordExpiresAt).toBeNull();
    const tooLong = admin.regeneratePassword({ id: credential.id, keepPreviousForSeconds: 604_801 });
    expect(Object.keys(await fieldErrors(tooLong))).toEqual(["keepPreviousForSeconds"]);
    const audit = await h.core.auditLog.list(org.id, { limit: 20 });
    expect(audit.items.filter((e) => e.targetId === credential.id).map((e) => [e.action, e.metadata])).toEqual([
      ["credential.previous_password_ended", {}],
      ["credential.password_regenerated", { keepPreviousForSeconds: 604_800 }],
      ["credential.created", { description: "" }],
    ]);
  });
});
