import ipaddr from "ipaddr.js";

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

// Parsed ranges by their text: every login of a restricted credential checks its list, which rarely changes.
const parsedRanges = new Map<string, Range | null>();
const MAX_PARSED = 10_000;

function parseRange(cidr: string): Range | null {
  let range = parsedRanges.get(cidr);
  if (range !== undefined) return range;
  try {
    const [address, bits] = ipaddr.parseCIDR(cidr);
    // An IPv4-mapped IPv6 range is compared as the IPv4 range it is, as client addresses are.
    range =
      address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96
        ? [(address as ipaddr.IPv6).toIPv4Address(), bits - 96]
        : [address, bits];
  } catch {
    range = null;
  }
  if (parsedRanges.size >= MAX_PARSED) parsedRanges.clear();
  parsedRanges.set(cidr, range);
  return range;
}

/**
 * Whether the client address is inside one of the CIDR ranges; no ranges allow any address. An IPv4 client seen as
 * `::ffff:a.b.c.d` (a dual-stack listener) is matched against IPv4 ranges. An address that does not parse matches none.
 */
export function addressAllowed(ranges: readonly string[], remoteAddress: string | null | undefined): boolean {
  if (ranges.length === 0) return true;
  if (!remoteAddress || !ipaddr.isValid(remoteAddress)) return false;
  const address = ipaddr.process(remoteAddress);
  return ranges.some((cidr) => {
    const range = parseRange(cidr);
    return range !== null && address.kind() === range[0].kind() && address.match(range);
  });
}
