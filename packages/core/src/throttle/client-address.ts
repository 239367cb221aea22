import ipaddr from "ipaddr.js";

/**
 * The unit a client address is throttled by. One IPv6 host usually holds a whole /64 and can pick any address in it,
 * so IPv6 clients are counted by their /64; IPv4 (also when written IPv4-mapped) by the address itself.
 */
export function throttleAddress(remoteAddress: string): string {
  if (!ipaddr.isValid(remoteAddress)) return remoteAddress;
  const address = ipaddr.process(remoteAddress);
  if (address.kind() === "ipv4") return address.toString();
  const prefix = address.toByteArray().slice(0, 8);
  return `${ipaddr.fromByteArray([...prefix, 0, 0, 0, 0, 0, 0, 0, 0]).toString()}/64`;
}
