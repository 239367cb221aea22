import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import { MAX_BATCH_CALLS, MAX_REQUEST_BYTES } from "@relaypost/contract";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestServer, type TestServer } from "../testing";

const PASSWORD = "password-123456";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** Sign-ups under fresh organization names; each one that runs leaves an organization with that slug behind. */
function signUps(count: number) {
  const tag = randomBytes(4).toString("hex");
  return Array.from({ length: count }, (_, i) => ({
    slug: `batch-${tag}-${i}`,
    input: { email: `batch-${tag}-${i}@example.com`, password: PASSWORD, organizationName: `Batch ${tag} ${i}` },
  }));
}

/** One HTTP request carrying `calls` as a tRPC batch, the way httpBatchLink sends it. */
function batch(calls: Array<{ path: string; input: unknown }>) {
  const paths = calls.map((c) => c.path).join(",");
  const body = Object.fromEntries(calls.map((c, i) => [i, superjson.serialize(c.input)]));
  return fetch(`${server.url}/trpc/${paths}?batch=1`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Sends `calls` as one WebSocket message (a JSON array) and collects the answer to each id. */
async function wsBatch(calls: Array<{ path: string; input: unknown }>) {
  const ws = new WebSocket(`${server.url.replace("http", "ws")}/trpc`);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  type Answer = { id: number; result?: unknown; error?: { json: { data: { code: string } } } };
  const answers = new Map<number, Answer>();
  const all = new Promise<void>((resolve) => {
    ws.on("message", (data) => {
      const message = JSON.parse(String(data)) as Answer;
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
  let account: { email: string; password: string };
  beforeAll(async () => {
    const { owner } = await server.core.organizations.create({
      name: "Signed up",
      owner: { email: `owner-${randomBytes(4).toString("hex")}@example.com`, password: PASSWORD },
    });
    account = { email: owner.email, password: PASSWORD };
  });

  const created = async (slugs: string[]) =>
    (await Promise.all(slugs.map((slug) => server.core.organizations.find(slug)))).filter(Boolean).length;

  it("refuses an HTTP batch one call over the limit as a whole: none of its sign-ups or sign-ins runs", async () => {
    const ups = signUps(MAX_BATCH_CALLS - 1);
    const response = await batch([
      ...ups.map((u) => ({ path: "auth.signUp", input: u.input })),
      ...Array.from({ length: 2 }, () => ({ path: "auth.signIn", input: account })),
    ]);
    expect(response.status).toBe(400);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await created(ups.map((u) => u.slug))).toBe(0);
  });

  it("serves an HTTP batch of exactly the limit", async () => {
    const ups = signUps(MAX_BATCH_CALLS - 1);
    const response = await batch([
      ...ups.map((u) => ({ path: "auth.signUp", input: u.input })),
      { path: "auth.signIn", input: account },
    ]);
    expect(response.status).toBe(200);
    // Sign-up sets no cookie (it answers a taken address like a new one); the sign-in does.
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect(await created(ups.map((u) => u.slug))).toBe(MAX_BATCH_CALLS - 1);
  });

  it("refuses a WebSocket message one call over the limit as a whole, and serves one of exactly the limit", async () => {
    const over = signUps(MAX_BATCH_CALLS + 1);
    const refused = await wsBatch(over.map((u) => ({ path: "auth.signUp", input: u.input })));
    expect(refused).toEqual(Array.from({ length: MAX_BATCH_CALLS + 1 }, () => "BAD_REQUEST"));
    expect(await created(over.map((u) => u.slug))).toBe(0);

    const within = signUps(MAX_BATCH_CALLS);
    const served = await wsBatch(within.map((u) => ({ path: "auth.signUp", input: u.input })));
    expect(served).toEqual(Array.from({ length: MAX_BATCH_CALLS }, () => "OK"));
    expect(await created(within.map((u) => u.slug))).toBe(MAX_BATCH_CALLS);
  });
});

/**
 * Posts up to `totalBytes` to `/trpc` (chunked when no length is announced), honouring backpressure, and stops
 * writing as soon as the server answers or drops the connection. `announce` sends that Content-Length and no body.
 */
function postLarge(options: { totalBytes: number; announce?: boolean }) {
  const chunk = Buffer.alloc(64 * 1024, "a");
  let sent = 0;
  return new Promise<{ status: number; sent: number }>((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (options.announce) headers["content-length"] = String(options.totalBytes);
    const req = request(`${server.url}/trpc/auth.signIn`, { method: "POST", headers });
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode ?? 0, sent });
      req.destroy();
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    if (options.announce) return void req.flushHeaders();
    const write = () => {
      while (!answered && sent < options.totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      if (!answered) req.end();
    };
    write();
  });
}

describe("body limit over real HTTP and WebSocket", () => {
  it("answers 413 to a body announced over the limit without waiting for a byte of it", async () => {
    const { status } = await postLarge({ totalBytes: 1024 * 1024 * 1024, announce: true });
    expect(status).toBe(413);
  });

  it("answers 413 to a chunked body once it passes the limit, before the client has sent it all, and serves on", async () => {
    const totalBytes = 64 * 1024 * 1024;
    const { status, sent } = await postLarge({ totalBytes });
    expect(status).toBe(413);
    expect(sent).toBeLessThan(totalBytes);
    expect((await fetch(`${server.url}/trpc/auth.me`)).status).toBe(200);
  });

  it("closes the connection after a 413, so a client reusing it is not left reading the refused body", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (body: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${server.url}/trpc/auth.signIn`, {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
        });
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end(body);
      });
    try {
      expect(await send("x".repeat(MAX_REQUEST_BYTES + 1))).toBe(413);
      expect(await send(JSON.stringify({ json: { email: "nobody@example.com", password: "wrong-password" } }))).toBe(
        401,
      );
    } finally {
      agent.destroy();
    }
  });

  it("closes a WebSocket whose message is over the limit with 1009 (message too big)", async () => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/trpc`);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    const outcome = new Promise<string>((resolve) => {
      ws.once("close", (code) => resolve(`closed ${code}`));
      ws.once("message", () => resolve("answered"));
    });
    ws.send(
      JSON.stringify({ id: 1, method: "query", params: { path: "auth.me", input: "x".repeat(MAX_REQUEST_BYTES) } }),
    );
    expect(await outcome).toBe("closed 1009");
  });
});
