import { afterEach, describe, expect, it } from "vitest";
import { startReceiver } from "./receiver.test-support";
import { KEPT_RESPONSE_BYTES, postWebhook } from "./sender";

const ALLOWED = { policy: { allowPrivateNetworks: true }, timeoutMs: 10_000 };
const STRICT = { policy: { allowPrivateNetworks: false }, timeoutMs: 10_000 };
const receivers: Array<{ close(): Promise<void> }> = [];

async function receiver(script?: Parameters<typeof startReceiver>[0]) {
  const started = await startReceiver(script);
  receivers.push(started);
  return started;
}

afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

describe("posting a webhook", () => {
  it("sends the body as JSON with its byte length and the given headers", async () => {
    const hook = await receiver();
    const body = '{"text":"héllo"}';
    expect(await postWebhook(hook.url, { "webhook-id": "msg_1" }, body, ALLOWED)).toEqual({
      status: 200,
      response: "ok",
    });
    expect(hook.received).toMatchObject([
      {
        body,
        headers: {
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
          "webhook-id": "msg_1",
        },
      },
    ]);
  });

  it(`keeps only the first ${KEPT_RESPONSE_BYTES} bytes of a long answer`, async () => {
    const hook = await receiver([{ status: 500, body: "x".repeat(KEPT_RESPONSE_BYTES * 3) }]);
    const result = await postWebhook(hook.url, {}, "{}", ALLOWED);
    expect(result).toEqual({ status: 500, response: "x".repeat(KEPT_RESPONSE_BYTES) });
  });

  it("keeps a short answer whole", async () => {
    const hook = await receiver([{ status: 201, body: "y".repeat(KEPT_RESPONSE_BYTES - 1) }]);
    expect(await postWebhook(hook.url, {}, "{}", ALLOWED)).toEqual({
      status: 201,
      response: "y".repeat(KEPT_RESPONSE_BYTES - 1),
    });
  });

  it("sends nothing to a literal private address, IPv4 or bracketed IPv6, naming it without brackets", async () => {
    expect(await postWebhook("https://10.0.0.1/hooks", {}, "{}", STRICT)).toEqual({
      status: null,
      response: "10.0.0.1 is not a public address",
    });
    expect(await postWebhook("https://[fd00::1]:8443/hooks", {}, "{}", STRICT)).toEqual({
      status: null,
      response: "fd00::1 is not a public address",
    });
  });
});
