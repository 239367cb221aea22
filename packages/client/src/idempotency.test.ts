import { startTestServer, type TestServer } from "@relaypost/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organizationWithClient } from "./test-support";

describe("a create named by an Idempotency-Key through the typed client", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("answers a retry with the first credential and password, even when other calls share its tick", async () => {
    const { client } = await organizationWithClient(server, "Idempotent client");
    const context = { idempotencyKey: crypto.randomUUID() };
    const [first, , retry] = await Promise.all([
      client.smtpCredentials.create.mutate({ description: "once" }, { context }),
      client.smtpCredentials.create.mutate({ description: "without a key" }),
      client.smtpCredentials.create.mutate({ description: "once" }, { context }),
    ]);
    expect(retry).toEqual(first);
    const page = await client.smtpCredentials.list.query({ limit: 10 });
    expect(page.items.filter((c) => c.description === "once")).toHaveLength(1);
    expect(page.items).toHaveLength(2);
    client.close();
  });
});
