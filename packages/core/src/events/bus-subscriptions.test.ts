import { describe, expect, it } from "vitest";
import { loginEvent, newOrganization, publish, useRuntime, usernames } from "./test-support";
import type { RelayEvent } from "./types";

describe("ending a subscription to the event bus", () => {
  const fixture = useRuntime();

  it("stops that listener hearing any organization's events, and no other listener", async () => {
    const { database, runtime } = fixture;
    const organizationId = await newOrganization(database);
    const ended: RelayEvent[] = [];
    const kept: RelayEvent[] = [];
    const ours = (into: RelayEvent[]) => (event: RelayEvent) => {
      if (event.organizationId === organizationId) into.push(event);
    };
    const stop = runtime.bus.subscribe(ours(ended));
    const stopKept = runtime.bus.subscribe(ours(kept));
    await publish(runtime, loginEvent(organizationId, "1"));

    stop();
    await publish(runtime, loginEvent(organizationId, "2"));

    expect([usernames(ended), usernames(kept)]).toEqual([["1"], ["1", "2"]]);
    stopKept();
  });

  it("of one organization's listeners leaves its other listeners subscribed", async () => {
    const { database, runtime } = fixture;
    const organizationId = await newOrganization(database);
    const ended: RelayEvent[] = [];
    const kept: RelayEvent[] = [];
    const stop = runtime.bus.subscribeOrganization(organizationId, (event) => ended.push(event));
    const stopKept = runtime.bus.subscribeOrganization(organizationId, (event) => kept.push(event));
    await publish(runtime, loginEvent(organizationId, "1"));

    stop();
    await publish(runtime, loginEvent(organizationId, "2"));

    expect([usernames(ended), usernames(kept)]).toEqual([["1"], ["1", "2"]]);
    stopKept();
  });

  it("a second time does not end a later subscription of the same organization", async () => {
    const { database, runtime } = fixture;
    const organizationId = await newOrganization(database);
    const later: RelayEvent[] = [];
    const stop = runtime.bus.subscribeOrganization(organizationId, () => {});
    stop();
    const stopLater = runtime.bus.subscribeOrganization(organizationId, (event) => later.push(event));

    stop();
    await publish(runtime, loginEvent(organizationId, "after"));

    expect(usernames(later)).toEqual(["after"]);
    stopLater();
  });
});
