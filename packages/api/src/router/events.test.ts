import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../testing";

describe("events.subscribe", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await createApiHarness();
  });
  afterAll(() => h.destroy());

  it("streams the organization's events after lastEventId, each with its id as the tracked id, and no other organization's", async () => {
    const org = await h.createOrganization();
    const other = await h.createOrganization();
    const owner = await h.asSession(org.owner.sessionToken, org.id);
    await owner.smtpCredentials.create({ username: "first_app" });
    // Between this organization's two events: a stream that did not filter would yield it next.
    await (await h.asSession(other.owner.sessionToken, other.id)).smtpCredentials.create({ username: "theirs_app" });
    await owner.smtpCredentials.create({ username: "second_app" });
    const [first, second] = (await owner.events.list({ after: 0 })).events;
    expect([first?.username, second?.username]).toEqual(["first_app", "second_app"]);

    const stream = await owner.events.subscribe({ lastEventId: String(first?.id) });
    const received: unknown[] = [];
    for await (const item of stream) {
      received.push(item);
      break;
    }
    expect(received).toEqual([[String(second?.id), second, expect.anything()]]);
  });

  it("pages with nextAfter, the last event's id, and answers a caught-up poller with the id it gave", async () => {
    const org = await h.createOrganization();
    const owner = await h.asSession(org.owner.sessionToken, org.id);
    await owner.smtpCredentials.create({ username: "paged_one" });
    await owner.smtpCredentials.create({ username: "paged_two" });
    const all = (await owner.events.list({ after: 0 })).events;
    const first = await owner.events.list({ after: 0, limit: 1 });
    expect(first.events.map((event) => event.id)).toEqual([all[0]?.id]);
    expect(first.nextAfter).toBe(all[0]?.id);
    const last = all.at(-1)?.id ?? 0;
    expect(await owner.events.list({ after: last })).toEqual({ events: [], nextAfter: last });
  });
});
