import addressparser from "nodemailer/lib/addressparser";

/**
 * Whether `address` matches one of the rules (lower-cased by the contract's schema): `example.com` that domain,
 * `*.example.com` it and its subdomains, `app@example.com` that address. No rules allow any sender.
 */
export function senderAllowed(rules: readonly string[], address: string): boolean {
  if (rules.length === 0) return true;
  const lower = address.toLowerCase();
  const at = lower.lastIndexOf("@");
  if (at < 1) return false;
  const domain = lower.slice(at + 1);
  return rules.some((rule) => {
    if (rule.startsWith("*.")) {
      const parent = rule.slice(2);
      return domain === parent || domain.endsWith(`.${parent}`);
    }
    return rule.includes("@") ? lower === rule : domain === rule;
  });
}

/**
 * The first address in the `From:` headers that breaks the rules, `""` when there is none to check, or undefined
 * when all pass. Every `From:` header and every address in it must match: a second one must not slip a sender past.
 */
export function disallowedHeaderSender(rules: readonly string[], fromHeaders: readonly string[]): string | undefined {
  if (rules.length === 0) return undefined;
  const addresses = fromHeaders.flatMap((value) => addressparser(value, { flatten: true }).map((a) => a.address));
  if (addresses.length === 0) return "";
  return addresses.find((address) => !senderAllowed(rules, address));
}
