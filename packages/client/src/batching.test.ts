import { MAX_BATCH_CALLS } from "@relaypost/contract";
import { startTestServer, type TestServer } from "@relaypost/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectEvents, organizationWithClient } from "./test-support";

describe("a client within the server's batch limit", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("makes more calls in one tick than one HTTP batch may carry, and each is answered", async () => {
    const { client } = await organizationWithClient(server, "Many calls");
    const pages = await Promise.all(
      Array.from({ length: MAX_BATCH_CALLS + 2 }, () => client.smtpCredentials.list.query({ limit: 1 })),
    );
    expect(pages.map((page) => page.items)).toEqual(pages.map(() => []));
    client.close();
  });

  it("opens more subscriptions at once than one WebSocket message may carry, and each receives events", async () => {
    const { client } = await organizationWithClient(server, "Many feeds");
    const feeds = Array.from({ length: MAX_BATCH_CALLS + 2 }, () => collectEvents(client, { lastEventId: "0" }));
    await client.smtpCredentials.create.mutate({ username: "many_feeds" });
    // A refused subscription ends instead of delivering.
    await Promise.all(feeds.map((feed) => Promise.race([feed.untilCount(1), feed.untilEnded()])));
    expect(feeds.map((feed) => [feed.events.length, feed.error])).toEqual(feeds.map(() => [1, undefined]));
    for (const feed of feeds) feed.unsubscribe();
    client.close();
  });
});
