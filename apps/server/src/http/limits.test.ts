import { randomBytes } from "node:crypto";
import { MAX_BATCH_CALLS } from "@relaypost/api";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestServer, type TestServer } from "../testing";

const PASSWORD = "password-123456";

/** Sign-ups under fresh organization names; each one that runs leaves an organization with that slug behind. */
function signUps(count: number) {
  const tag = randomBytes(4).toString("hex");
  return Array.from({ length: count }, (_, i) => ({
    slug: `batch-${tag}-${i}`,
    input: { email: `batch-${tag}-${i}@example.com`, password: PASSWORD, organizationName: `Batch ${tag} ${i}` },
  }));
}

/** One HTTP request carrying `calls` as a tRPC batch, the way httpBatchLink sends it. */
function batch(server: TestServer, calls: Array<{ path: string; input: unknown }>) {
  const paths = calls.map((c) => c.path).join(",");
  const body = Object.fromEntries(calls.map((c, i) => [i, superjson.serialize(c.input)]));
  return fetch(`${server.url}/trpc/${paths}?batch=1`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Sends `calls` as one WebSocket message (a JSON array) and collects the answer to each id. */
async function wsBatch(server: TestServer, calls: Array<{ path: string; input: unknown }>) {
  const ws = new WebSocket(`${server.url.replace("http", "ws")}/trpc`);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  const answers = new Map<number, { result?: unknown; error?: { json: { data: { code: string } } } }>();
  const all = new Promise<void>((resolve) => {
    ws.on("message", (data) => {
      const message = JSON.parse(String(data)) as { id: number } & Record<string, never>;
      answers.set(message.id, message);
      if (answers.size === calls.length) resolve();
    });
  });
  ws.send(
    JSON.stringify(
      calls.map((c, i) => ({
        id: i + 1,
        method: "mutation",
        params: { path: c.path, input: superjson.serialize(c.input) },
      })),
    ),
  );
  await all;
  ws.close();
  return [...answers.values()].map((a) => (a.error ? a.error.json.data.code : "OK"));
}

describe("batch limit over real HTTP and WebSocket", () => {
  let server: TestServer;
  let account: { email: string; password: string };
  beforeAll(async () => {
    server = await startTestServer();
    const { owner } = await server.core.organizations.create({
      name: "Signed up",
      owner: { email: `owner-${randomBytes(4).toString("hex")}@example.com`, password: PASSWORD },
    });
    account = { email: owner.email, password: PASSWORD };
  });
  afterAll(() => server.stop());

  const created = async (slugs: string[]) =>
    (await Promise.all(slugs.map((slug) => server.core.organizations.find(slug)))).filter(Boolean).length;

  it("refuses an HTTP batch one call over the limit as a whole: none of its sign-ups or sign-ins runs", async () => {
    const ups = signUps(MAX_BATCH_CALLS - 1);
    const response = await batch(server, [
      ...ups.map((u) => ({ path: "auth.signUp", input: u.input })),
      ...Array.from({ length: 2 }, () => ({ path: "auth.signIn", input: account })),
    ]);
    expect(response.status).toBe(400);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await created(ups.map((u) => u.slug))).toBe(0);
  });

  it("serves an HTTP batch of exactly the limit", async () => {
    const ups = signUps(MAX_BATCH_CALLS - 1);
    const response = await batch(server, [
      ...ups.map((u) => ({ path: "auth.signUp", input: u.input })),
      { path: "auth.signIn", input: account },
    ]);
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toHaveLength(MAX_BATCH_CALLS);
    expect(await created(ups.map((u) => u.slug))).toBe(MAX_BATCH_CALLS - 1);
  });

  it("refuses a WebSocket message one call over the limit as a whole, and serves one of exactly the limit", async () => {
    const over = signUps(MAX_BATCH_CALLS + 1);
    const refused = await wsBatch(
      server,
      over.map((u) => ({ path: "auth.signUp", input: u.input })),
    );
    expect(refused).toEqual(Array.from({ length: MAX_BATCH_CALLS + 1 }, () => "BAD_REQUEST"));
    expect(await created(over.map((u) => u.slug))).toBe(0);

    const within = signUps(MAX_BATCH_CALLS);
    const served = await wsBatch(
      server,
      within.map((u) => ({ path: "auth.signUp", input: u.input })),
    );
    expect(served).toEqual(Array.from({ length: MAX_BATCH_CALLS }, () => "OK"));
    expect(await created(within.map((u) => u.slug))).toBe(MAX_BATCH_CALLS);
  });
});
