import { describe, expect, it } from "vitest";
import { readEvents } from "./store";
import { loginEvent, newOrganization, publish, reader, refusalEvent, useRuntime, usernames } from "./test-support";

describe("an organization's live event stream", () => {
  const fixture = useRuntime();

  it("without a resume point, delivers the organization's events committed after it starts, as stored, in id order", async () => {
    const { database, runtime } = fixture;
    const organizationId = await newOrganization(database);
    const otherId = await newOrganization(database);
    await publish(runtime, loginEvent(organizationId, "before"));
    const stream = reader(runtime.core.events.stream({ organizationId }));
    await publish(
      runtime,
      loginEvent(organizationId, "a"),
      loginEvent(otherId, "theirs"),
      refusalEvent(organizationId, "b"),
      loginEvent(organizationId, "c"),
    );

    const read = await stream.until("c");

    const [, ...after] = await readEvents(database.db, { afterId: 0, organizationId, limit: 10 });
    expect(usernames(after)).toEqual(["a", "b", "c"]);
    expect(read).toEqual(after);
    await stream.stop();
  });

  it("delivers what was published while its consumer held an earlier event, then waits for more", async () => {
    const { database, runtime } = fixture;
    const organizationId = await newOrganization(database);
    const stream = reader(runtime.core.events.stream({ organizationId }));
    await publish(runtime, loginEvent(organizationId, "a1"), loginEvent(organizationId, "a2"));
    expect(usernames(await stream.until("a1"))).toEqual(["a1"]);
    // The consumer holds a1 and has not asked for more.
    await publish(runtime, loginEvent(organizationId, "b1"));
    expect(usernames(await stream.until("b1"))).toEqual(["a2", "b1"]);
    const next = stream.next();
    await publish(runtime, loginEvent(organizationId, "c1"));
    expect((await next).value?.username).toBe("c1");
    await stream.stop();
  });

  it("passes only the events of the credential and the types asked for; no types means every type", async () => {
    const { database, runtime } = fixture;
    const organizationId = await newOrganization(database);
    const mine = crypto.randomUUID();
    const theirs = crypto.randomUUID();
    const { stream } = runtime.core.events;
    const streams = [
      stream({ organizationId, credentialId: mine }),
      stream({ organizationId, types: ["auth.rejected"] }),
      stream({ organizationId, credentialId: mine, types: ["auth.rejected", "message.rejected"] }),
      stream({ organizationId, types: [] }),
    ].map(reader);
    await publish(
      runtime,
      loginEvent(organizationId, "their-login", theirs),
      loginEvent(organizationId, "my-login", mine),
      refusalEvent(organizationId, "my-refusal", mine),
      refusalEvent(organizationId, "their-refusal", theirs),
      refusalEvent(organizationId, "unattributed-refusal"),
      refusalEvent(organizationId, "end", mine),
    );

    const read = await Promise.all(streams.map(async (s) => usernames(await s.until("end"))));

    expect(read).toEqual([
      ["my-login", "my-refusal", "end"],
      ["my-refusal", "their-refusal", "unattributed-refusal", "end"],
      ["my-refusal", "end"],
      ["their-login", "my-login", "my-refusal", "their-refusal", "unattributed-refusal", "end"],
    ]);
    for (const s of streams) await s.stop();
  });
});
