import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { organizationWithApiKey, startTestServer, type TestServer } from "../testing";

const run = promisify(execFile);
const examples = fileURLToPath(new URL("../../../../examples/python/", import.meta.url));

/** What examples/python/webhook_receiver.py prints for each request after its `listening on` line. */
const receiverLine = z.object({
  verified: z.boolean(),
  id: z.string().nullable(),
  type: z.string().optional(),
  event: z.record(z.string(), z.unknown()).optional(),
  reason: z.string().optional(),
});
type ReceiverLine = z.infer<typeof receiverLine>;

const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

/** A `webhook-signature` header per Standard Webhooks, computed here independently of the server's library. */
function signatureOf(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The receiver as a child process: its URL, its printed lines one by one, and its standard input for a secret. */
interface Receiver {
  url: string;
  nextLine(): Promise<ReceiverLine>;
  giveSecret(secret: string): void;
}

const children: ChildProcessWithoutNullStreams[] = [];

/** Starts the receiver on a free port; without `secrets` it reads them from standard input (`giveSecret`). */
async function startReceiver(secrets?: string): Promise<Receiver> {
  const env = { ...process.env, RELAYPOST_WEBHOOK_SECRET: secrets };
  if (secrets === undefined) delete env.RELAYPOST_WEBHOOK_SECRET;
  const child = spawn("python3", [`${examples}webhook_receiver.py`, "0"], { env });
  children.push(child);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines: string[] = [];
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  let ended: Error | undefined;
  createInterface({ input: child.stdout }).on("line", (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(line);
    else lines.push(line);
  });
  child.on("close", (code, signal) => {
    ended = new Error(`the receiver exited (${code ?? signal}): ${stderr}`);
    for (const waiter of waiting.splice(0)) waiter.reject(ended);
  });
  const next = (): Promise<string> => {
    const line = lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (ended) return Promise.reject(ended);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
  const address = /^listening on (127\.0\.0\.1:\d+)$/.exec(await next())?.[1];
  expect(address).toBeDefined();
  return {
    url: `http://${address}/hooks`,
    nextLine: async () => receiverLine.parse(JSON.parse(await next())),
    giveSecret: (secret) => child.stdin.end(`${secret}\n`),
  };
}

/** POSTs to the receiver as a sender would; `headers` are the three webhook-* ones, or some of them. */
async function post(receiver: Receiver, headers: Record<string, string>, body: string) {
  const response = await fetch(receiver.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

const signedHeaders = (secret: string, id: string, timestamp: number, body: string) => ({
  "webhook-id": id,
  "webhook-timestamp": String(timestamp),
  "webhook-signature": signatureOf(secret, id, timestamp, body),
});

/**
 * RelayPost's webhooks as a receiver in another language sees them: the repository's Python receiver (standard
 * library only) runs as a child process, is registered with the Python REST example, and must verify what a real
 * server signs, and refuse what it did not.
 */
describe("webhooks verified by the Python receiver", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      // Webhooks are sealed with the server key, and the receiver listens on loopback.
      config: { RELAYPOST_SECRET_KEY: randomBytes(32), WEBHOOKS_ALLOW_PRIVATE_NETWORKS: true },
    });
  });
  afterAll(() => server.stop());
  afterEach(async () => {
    await Promise.all(
      children.splice(0).map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) resolve();
            else child.once("close", () => resolve()).kill();
          }),
      ),
    );
  });

  async function rest(token: string, method: string, path: string, body?: object): Promise<unknown> {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status, `${method} ${path}`).toBe(200);
    return response.json();
  }

  /** Registers the receiver with examples/python/add_webhook.py: the secret on its stdout, the endpoint on stderr. */
  async function addWebhook(token: string, receiver: Receiver, eventTypes: string[]) {
    const { stdout, stderr } = await run("python3", [`${examples}add_webhook.py`, receiver.url, ...eventTypes], {
      env: { ...process.env, RELAYPOST_URL: server.url, RELAYPOST_API_KEY: token },
    });
    expect(stdout).toMatch(/^whsec_[A-Za-z0-9+/]+=*\n$/);
    const endpointId = /^added webhook endpoint ([0-9a-f-]{36}) for /.exec(stderr)?.[1] ?? "";
    expect(endpointId).not.toBe("");
    return { secret: stdout.trim(), endpointId };
  }

  async function createCredential(token: string) {
    const created = await rest(token, "POST", "/credentials", { description: "watched by a webhook" });
    return z.object({ credential: z.object({ id: z.uuid() }) }).parse(created).credential;
  }

  it("verifies the credential.created webhook the server signed, and the delivery log shows its 204", async () => {
    const { token } = await organizationWithApiKey(server, "Receiver");
    const receiver = await startReceiver();
    const { secret, endpointId } = await addWebhook(token, receiver, ["credential.created"]);
    receiver.giveSecret(secret);
    const credential = await createCredential(token);

    const line = await receiver.nextLine();
    const events = await rest(token, "GET", "/events?types=credential.created");
    const [event] = z.object({ events: z.array(z.looseObject({ id: z.number() })) }).parse(events).events;
    expect(line).toEqual({ verified: true, id: `msg_${event?.id}`, type: "credential.created", event });
    expect(line.event).toMatchObject({ type: "credential.created", credentialId: credential.id });

    // The worker records the answer after the receiver has printed, and nothing announces the write: read until it
    // is there.
    await vi.waitFor(
      async () => {
        const page = await rest(token, "GET", `/webhooks/${endpointId}/deliveries`);
        expect(page).toMatchObject({
          items: [{ eventId: event?.id, eventType: "credential.created", status: "delivered", lastStatus: 204 }],
        });
      },
      { timeout: 30_000, interval: 50 },
    );
  });

  it("refuses a forged signature and an old timestamp with 401, and answers a redelivery without handling it twice", async () => {
    const { token } = await organizationWithApiKey(server, "Forgery");
    const receiver = await startReceiver();
    const { secret } = await addWebhook(token, receiver, ["credential.created"]);
    receiver.giveSecret(secret);
    await createCredential(token);
    const delivered = await receiver.nextLine();
    expect(delivered.verified).toBe(true);
    const id = delivered.id ?? "";
    const body = JSON.stringify({ type: delivered.type, timestamp: new Date().toISOString(), data: delivered.event });

    // At-least-once: the same message again (a lost answer) is acknowledged, not printed a second time.
    expect(await post(receiver, signedHeaders(secret, id, nowSeconds(), body), body)).toEqual({
      status: 204,
      text: "",
    });
    expect(await post(receiver, signedHeaders(newSecret(), id, nowSeconds(), body), body)).toEqual({
      status: 401,
      text: "no signature matches the secret",
    });
    expect(await post(receiver, signedHeaders(secret, id, nowSeconds() - 301, body), body)).toEqual({
      status: 401,
      text: "webhook-timestamp is more than 300 s old",
    });
    const { "webhook-signature": _, ...unsigned } = signedHeaders(secret, id, nowSeconds(), body);
    expect(await post(receiver, unsigned, body)).toEqual({ status: 401, text: "missing webhook-signature header" });

    // Lines come in the order the requests were answered, so the redelivery printed nothing before these.
    expect(await receiver.nextLine()).toEqual({ verified: false, id, reason: "no signature matches the secret" });
    expect(await receiver.nextLine()).toEqual({
      verified: false,
      id,
      reason: "webhook-timestamp is more than 300 s old",
    });
    expect(await receiver.nextLine()).toEqual({ verified: false, id, reason: "missing webhook-signature header" });
  });

  it("still verifies with only the previous secret while a rotation keeps it signing", async () => {
    const { token } = await organizationWithApiKey(server, "Rotation");
    const receiver = await startReceiver();
    const { secret: previous, endpointId } = await addWebhook(token, receiver, ["credential.created"]);
    const rotated = await rest(token, "POST", `/webhooks/${endpointId}/rotate-secret`, { keepPreviousHours: 24 });
    expect(z.object({ secret: z.string() }).parse(rotated).secret).not.toBe(previous);
    receiver.giveSecret(previous);
    const credential = await createCredential(token);

    expect(await receiver.nextLine()).toMatchObject({
      verified: true,
      type: "credential.created",
      event: { credentialId: credential.id },
    });
  });

  it("takes several comma-separated secrets from RELAYPOST_WEBHOOK_SECRET and accepts a message signed with any", async () => {
    const [first, second] = [newSecret(), newSecret()];
    const receiver = await startReceiver(`${first}, ${second}`);
    const body = JSON.stringify({ type: "credential.deleted", timestamp: new Date().toISOString(), data: { id: 7 } });

    expect(await post(receiver, signedHeaders(second, "msg_7", nowSeconds(), body), body)).toEqual({
      status: 204,
      text: "",
    });
    expect(await receiver.nextLine()).toEqual({
      verified: true,
      id: "msg_7",
      type: "credential.deleted",
      event: { id: 7 },
    });
    expect(await post(receiver, signedHeaders(first, "msg_8", nowSeconds(), body), body)).toEqual({
      status: 204,
      text: "",
    });
    expect(await receiver.nextLine()).toMatchObject({ verified: true, id: "msg_8" });
  });
});
