import type { LookupAddress, LookupAllOptions } from "node:dns";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { DomainError } from "../errors";

/**
 * Where webhooks may go. By default only HTTPS URLs whose every address is public unicast: an endpoint resolving to a
 * loopback, private, link-local, carrier-grade NAT, multicast or reserved address would let a member make the server
 * call into its own network (SSRF). An operator running receivers on a private network allows them (and plain HTTP,
 * which such receivers often speak).
 */
export interface WebhookNetworkPolicy {
  allowPrivateNetworks: boolean;
}

/** The address cannot be sent webhooks under the policy; the message names the address, never a secret. */
export class EndpointAddressRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EndpointAddressRefusedError";
  }
}

/** Public unicast, for IPv4 and IPv6 (an IPv4-mapped IPv6 address counts as the IPv4 one). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}

const refusal = (host: string, address: string) =>
  new EndpointAddressRefusedError(
    host === address
      ? `${address} is not a public address; webhooks go only to public addresses unless the operator allows private networks`
      : `${host} resolves to ${address}, which is not a public address; webhooks go only to public addresses unless the operator allows private networks`,
  );

/** The host as the URL names it, without IPv6 brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1");

/**
 * Checks an endpoint URL when it is registered: its scheme, and every address its host resolves to now. Delivery
 * checks again at connect time (`guardedLookup`), since a name may resolve elsewhere later.
 */
export async function assertDeliverableUrl(raw: string, policy: WebhookNetworkPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DomainError("BAD_REQUEST", "Enter a full URL, like https://hooks.example.com/relaypost", "url");
  }
  if (url.username || url.password) {
    throw new DomainError("BAD_REQUEST", "Put no user or password in the URL: requests are signed instead", "url");
  }
  const schemes = policy.allowPrivateNetworks ? ["https:", "http:"] : ["https:"];
  if (!schemes.includes(url.protocol)) {
    throw new DomainError("BAD_REQUEST", "Webhook endpoints must use https://", "url");
  }
  if (policy.allowPrivateNetworks) return url;
  const host = hostOf(url);
  let addresses: LookupAddress[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  } catch {
    throw new DomainError("BAD_REQUEST", `${host} could not be resolved`, "url");
  }
  const refused = addresses.find((a) => !isPublicAddress(a.address));
  if (refused) throw new DomainError("BAD_REQUEST", refusal(host, refused.address).message, "url");
  return url;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:http(s) requests that refuses, at connect time, a name resolving to an address the policy does
 * not allow, so a name re-pointed after registration (DNS rebinding) still cannot reach a private network.
 */
export function guardedLookup(policy: WebhookNetworkPolicy) {
  return (hostname: string, options: LookupAllOptions | object, callback: LookupCallback): void => {
    lookup(hostname, { ...options, all: true }).then(
      (addresses) => {
        const refused = policy.allowPrivateNetworks ? undefined : addresses.find((a) => !isPublicAddress(a.address));
        if (refused) return callback(refusal(hostname, refused.address), []);
        if ("all" in options && options.all) return callback(null, addresses);
        const [first] = addresses;
        if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}
