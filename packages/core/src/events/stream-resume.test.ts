import { describe, expect, it } from "vitest";
import { appendEvents } from "./store";
import { StreamOverflowError } from "./stream";
import { loginEvent, newOrganization, publish, reader, useRuntime, usernames } from "./test-support";

describe("resuming an event stream, and its ends", () => {
  const fixture = useRuntime();

  it("after a given id, delivers the organization's later events from the table, then live ones, each once", async () => {
    const { database, runtime } = fixture;
    const organizationId = await newOrganization(database);
    const otherId = await newOrganization(database);
    const [seen] = await appendEvents(database.db, [loginEvent(organizationId, "seen")]);
    await appendEvents(database.db, [
      loginEvent(organizationId, "missed-1"),
      loginEvent(otherId, "theirs"),
      loginEvent(organizationId, "missed-2"),
    ]);

    // Committing while the stream reads its backlog: found in the table and handed over live as well.
    const racing = appendEvents(database.db, [loginEvent(organizationId, "racing")]);
    const stream = reader(runtime.core.events.stream({ organizationId, afterId: seen?.id }));
    const [racer] = await racing;
    const backlog = await stream.until("racing");
    await publish(runtime, loginEvent(organizationId, "live"));
    const live = await stream.until("live");

    expect(usernames(backlog)).toEqual(["missed-1", "missed-2", "racing"]);
    expect(backlog.at(-1)).toEqual(racer);
    expect(usernames(live)).toEqual(["live"]);
    await stream.stop();
  });

  it("reads a backlog longer than one page to its end before the live events", async () => {
    const { database, runtime } = fixture;
    const organizationId = await newOrganization(database);
    const missed = Array.from({ length: 1_001 }, (_, i) => loginEvent(organizationId, `missed-${i}`));
    await appendEvents(database.db, missed);
    // Delivered before the stream starts: they can come from the table only.
    await runtime.bus.catchUp();
    const stream = reader(runtime.core.events.stream({ organizationId, afterId: 0 }));
    await publish(runtime, loginEvent(organizationId, "live"));

    expect(usernames(await stream.until("live"))).toEqual([...usernames(missed), "live"]);
    await stream.stop();
  });

  it("ends with StreamOverflowError once its consumer is more than maxQueued events behind, and not at maxQueued", async () => {
    const { database, runtime } = fixture;
    const organizationId = await newOrganization(database);
    const { stream } = runtime.core.events;
    const atLimit = reader(stream({ organizationId, maxQueued: 2 }));
    const overLimit = reader(stream({ organizationId, maxQueued: 2 }));
    await publish(runtime, loginEvent(organizationId, "1"), loginEvent(organizationId, "2"));
    expect(usernames(await atLimit.until("2"))).toEqual(["1", "2"]);
    expect(usernames(await overLimit.until("2"))).toEqual(["1", "2"]);

    const waiting = atLimit.next();
    await publish(runtime, loginEvent(organizationId, "3"), loginEvent(organizationId, "4"));
    await publish(runtime, loginEvent(organizationId, "5"));
    expect((await waiting).value?.username).toBe("3");
    expect(usernames(await atLimit.until("5"))).toEqual(["4", "5"]);

    const error = await overLimit.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamOverflowError);
    expect(error).toMatchObject({
      name: "StreamOverflowError",
      message: "Subscriber fell too far behind; resume from the last event id",
    });
    await atLimit.stop();
  });

  it("ends when its signal aborts, whether waiting for live events or between backlog events", async () => {
    const { database, runtime } = fixture;
    const organizationId = await newOrganization(database);
    await appendEvents(database.db, [loginEvent(organizationId, "missed-1"), loginEvent(organizationId, "missed-2")]);
    // Delivered before the live stream starts, which therefore has nothing to read until it is aborted.
    await runtime.bus.catchUp();
    const waiting = new AbortController();
    const inBacklog = new AbortController();
    const { stream } = runtime.core.events;
    const live = reader(stream({ organizationId, signal: waiting.signal }));
    const resumed = reader(stream({ organizationId, afterId: 0, signal: inBacklog.signal }));

    expect(usernames(await resumed.until("missed-1"))).toEqual(["missed-1"]);
    inBacklog.abort();
    expect(await resumed.next()).toEqual({ done: true, value: undefined });

    const pending = live.next();
    waiting.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
  });

  it("ends at once when its signal was aborted before it started", async () => {
    const { database, runtime } = fixture;
    const organizationId = await newOrganization(database);
    await appendEvents(database.db, [loginEvent(organizationId, "missed")]);
    const signal = AbortSignal.abort();
    const stream = runtime.core.events.stream({ organizationId, afterId: 0, signal });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });
});
