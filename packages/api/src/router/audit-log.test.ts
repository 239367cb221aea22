import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RestFetch, restCaller, restFetcher } from "../rest/rest-client.test-support";
import { type ApiHarness, type Caller, createApiHarness, fieldErrors, type TestOrganization } from "../testing";

type Problem = { status: number; code: string; errors?: Array<{ field: string; detail: string }> };

describe("audit log filters over tRPC and REST", () => {
  let h: ApiHarness;
  let org: TestOrganization;
  let other: TestOrganization;
  let owner: Caller;
  let keyCaller: Caller;
  let keyToken: string;
  let keyId: string;
  let rest: RestFetch;
  let startedAt: Date;

  beforeAll(async () => {
    h = await createApiHarness();
    org = await h.createOrganization();
    other = await h.createOrganization();
    rest = restFetcher(h.core);
    startedAt = new Date();
    owner = await h.asSession(org.owner.sessionToken, org.id);
    const { apiKey, token } = await owner.apiKeys.create({ name: "deploy bot", role: "admin" });
    keyToken = token;
    keyId = apiKey.id;
    keyCaller = await h.asApiKey(token);
    const rails = await owner.smtpCredentials.create({ username: "rails_production" });
    await owner.smtpCredentials.create({ username: "billing_app" });
    await keyCaller.smtpCredentials.deactivate({ id: rails.credential.id });
    const staging = await keyCaller.smtpCredentials.create({ username: "rails_staging" });
    await keyCaller.smtpCredentials.delete({ id: staging.credential.id });
    // The other organization does the same to a credential of the same name.
    const otherOwner = await h.asSession(other.owner.sessionToken, other.id);
    await otherOwner.smtpCredentials.create({ username: "rails_production" });
  });
  afterAll(() => h.destroy());

  for (const transport of ["tRPC", "REST"] as const) {
    describe(transport, () => {
      const viewer = async () => {
        if (transport === "REST") return restCaller(h.core, { authorization: `Bearer ${keyToken}` });
        return h.asSession(org.owner.sessionToken, org.id);
      };
      const credentialActions = async (filter: Parameters<Caller["auditLog"]["list"]>[0]) => {
        const page = await (await viewer()).auditLog.list(filter);
        return page.items.filter((e) => e.targetType === "smtp_credential").map((e) => `${e.action} ${e.targetLabel}`);
      };

      it("filters by actor: the member's entries, then the API key's", async () => {
        expect(await credentialActions({ actor: `user:${org.owner.id}`, actions: ["credential.created"] })).toEqual([
          "credential.created billing_app",
          "credential.created rails_production",
        ]);
        expect(await credentialActions({ actor: `api_key:${keyId}` })).toEqual([
          "credential.deleted rails_staging",
          "credential.created rails_staging",
          "credential.deactivated rails_production",
        ]);
      });

      it("filters by several actions at once", async () => {
        expect(await credentialActions({ actions: ["credential.deactivated", "credential.deleted"] })).toEqual([
          "credential.deleted rails_staging",
          "credential.deactivated rails_production",
        ]);
      });

      it("filters by target text, and combines it with the other filters", async () => {
        expect(await credentialActions({ target: "rails_prod" })).toEqual([
          "credential.deactivated rails_production",
          "credential.created rails_production",
        ]);
        expect(await credentialActions({ target: "rails", actor: `api_key:${keyId}`, since: startedAt })).toEqual([
          "credential.deleted rails_staging",
          "credential.created rails_staging",
          "credential.deactivated rails_production",
        ]);
      });

      it("filters by time: nothing before the entries were made, nothing in the future", async () => {
        expect(await credentialActions({ until: startedAt })).toEqual([]);
        expect(await credentialActions({ since: new Date(Date.now() + 60_000) })).toEqual([]);
        expect(await credentialActions({ since: startedAt, until: new Date(Date.now() + 60_000) })).toHaveLength(5);
      });

      it("pages through a filter with the total on every page", async () => {
        const caller = await viewer();
        const first = await caller.auditLog.list({ target: "rails", limit: 2 });
        expect(first.total).toBe(4);
        expect(first.nextCursor).not.toBeNull();
        const second = await caller.auditLog.list({ target: "rails", limit: 2, cursor: first.nextCursor });
        expect(second.total).toBe(4);
        expect(second.nextCursor).toBeNull();
        expect([...first.items, ...second.items].map((e) => e.id)).toEqual(
          (await caller.auditLog.list({ target: "rails" })).items.map((e) => e.id),
        );
      });

      it("names the organization's actors only, with the value the actor filter takes", async () => {
        const actors = await (await viewer()).auditLog.actors();
        expect(actors.map((a) => a.actor)).toEqual([`user:${org.owner.id}`, `api_key:${keyId}`]);
        expect(actors.find((a) => a.type === "api_key")?.label).toBe('API key "deploy bot"');
      });
    });
  }

  it("keeps another organization's entries out, even when its actor is named", async () => {
    const page = await owner.auditLog.list({ actor: `user:${other.owner.id}` });
    expect(page).toEqual({ items: [], nextCursor: null, total: 0 });
    const theirs = await (await h.asSession(other.owner.sessionToken, other.id)).auditLog.list({ target: "rails" });
    expect(theirs.items.map((e) => e.targetLabel)).toEqual(["rails_production"]);
  });

  it("refuses until before since, an unknown action and a malformed actor, naming the field", async () => {
    const now = new Date();
    expect(await fieldErrors(owner.auditLog.list({ since: now, until: new Date(now.getTime() - 1) }))).toMatchObject({
      until: ["Must not be before since"],
    });
    // @ts-expect-error: not an action of the union, as a hand-written client might send.
    expect(Object.keys(await fieldErrors(owner.auditLog.list({ actions: ["credential.exploded"] })))).toContain(
      "actions",
    );
    expect(await fieldErrors(owner.auditLog.list({ actor: "user:someone" }))).toMatchObject({
      actor: ["Must be user:<id>, api_key:<id> or system"],
    });
  });

  it("answers the same refusals over REST as 400 problems naming the field", async () => {
    const headers = { authorization: `Bearer ${keyToken}` };
    const reversed = await rest("GET", "/audit-log?since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z", {
      headers,
    });
    expect(reversed.status).toBe(400);
    expect((reversed.body as Problem).errors).toEqual([{ field: "until", detail: "Must not be before since" }]);
    const unknown = await rest("GET", "/audit-log?actions=credential.exploded", { headers });
    expect(unknown.body).toMatchObject({ status: 400, code: "BAD_REQUEST" });
    expect((unknown.body as Problem).errors?.[0]?.field).toMatch(/^actions/);
    const badTime = await rest("GET", "/audit-log?since=yesterday", { headers });
    expect((badTime.body as Problem).errors?.[0]?.field).toBe("since");
  });

  it("takes one action or several as repeated query parameters over REST", async () => {
    const headers = { authorization: `Bearer ${keyToken}` };
    type Page = { items: Array<{ action: string }>; total: number };
    const one = (await rest("GET", "/audit-log?actions=credential.deleted", { headers })).body as Page;
    expect(one.items.map((e) => e.action)).toEqual(["credential.deleted"]);
    const two = (await rest("GET", "/audit-log?actions=credential.deleted&actions=api_key.created", { headers }))
      .body as Page;
    expect(two.items.map((e) => e.action)).toEqual(["credential.deleted", "api_key.created"]);
    expect(two.total).toBe(2);
  });
});
