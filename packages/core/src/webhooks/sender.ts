import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { guardedLookup, isPublicAddress, type WebhookNetworkPolicy } from "./endpoint-address";

/** What an attempt got: the endpoint's HTTP status and the start of its body, or `status: null` and why not. */
export interface SendResult {
  status: number | null;
  response: string;
}

/** The start of an answer kept in the delivery log: enough to see an error page's gist. */
export const KEPT_RESPONSE_BYTES = 1024;

export interface SendOptions {
  policy: WebhookNetworkPolicy;
  timeoutMs: number;
}

/**
 * POSTs a signed body and reads the start of the answer. No redirect is followed (a 3xx is a failure, as Standard
 * Webhooks senders treat it) and the address is checked at connect time, so neither can lead into a private network.
 */
export function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  options: SendOptions,
): Promise<SendResult> {
  const url = new URL(target);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  // A literal address is connected to without a lookup, so the lookup's check cannot see it.
  if (isIP(host) && !options.policy.allowPrivateNetworks && !isPublicAddress(host)) {
    return Promise.resolve({ status: null, response: `${host} is not a public address` });
  }
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      lookup: guardedLookup(options.policy),
      timeout: options.timeoutMs,
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${options.timeoutMs / 1000} s`)));
    req.on("error", (error) => resolve({ status: null, response: error.message }));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      const finish = () => {
        resolve({
          status: res.statusCode ?? null,
          response: Buffer.concat(chunks).toString("utf8").slice(0, KEPT_RESPONSE_BYTES),
        });
        res.destroy();
      };
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        kept += chunk.length;
        if (kept >= KEPT_RESPONSE_BYTES) finish();
      });
      res.on("end", finish);
      res.on("error", finish);
    });
    req.end(body);
  });
}
