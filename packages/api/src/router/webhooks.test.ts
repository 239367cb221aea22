import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, type Caller, createApiHarness, fieldErrors } from "../testing";

const URL = "https://93.184.215.14/hooks";

describe("webhooks", () => {
  let h: ApiHarness;
  let admin: Caller["webhooks"];

  beforeAll(async () => {
    h = await createApiHarness();
    const org = await h.createOrganization();
    admin = (await h.asSession(org.owner.sessionToken, org.id)).webhooks;
  });
  afterAll(() => h.destroy());

  it("keeps each event type once, as given on create and on update", async () => {
    const { endpoint } = await admin.create({
      url: URL,
      eventTypes: ["credential.created", "message.failed", "credential.created"],
    });
    expect(endpoint.eventTypes).toEqual(["credential.created", "message.failed"]);
    const updated = await admin.update({ id: endpoint.id, eventTypes: ["message.relayed", "message.relayed"] });
    expect(updated.eventTypes).toEqual(["message.relayed"]);
    expect((await admin.list()).find((e) => e.id === endpoint.id)?.eventTypes).toEqual(["message.relayed"]);
  });

  it("disable turns an endpoint off and enable turns it on again", async () => {
    const { endpoint } = await admin.create({ url: URL });
    expect(endpoint.enabled).toBe(true);
    expect((await admin.disable({ id: endpoint.id })).enabled).toBe(false);
    expect((await admin.list()).find((e) => e.id === endpoint.id)?.enabled).toBe(false);
    expect((await admin.enable({ id: endpoint.id })).enabled).toBe(true);
    expect((await admin.list()).find((e) => e.id === endpoint.id)?.enabled).toBe(true);
  });

  it("refuses a forged deliveries cursor on the cursor field", async () => {
    const { endpoint } = await admin.create({ url: URL });
    expect(await fieldErrors(admin.deliveries({ endpointId: endpoint.id, cursor: "not-a-cursor" }))).toEqual({
      cursor: ["Invalid cursor"],
    });
  });
});
