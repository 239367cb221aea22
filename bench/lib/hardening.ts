import { type Core, operatorScope } from "@relaypost/core";

/** The seeded owner's dashboard password. */
export const OWNER_PASSWORD = "bench-password";

/** An organization with credentials and a viewer API key, made through core against the server's database. */
export async function seedOrganization(core: Core, name: string, credentials: number) {
  const { organization, owner } = await core.organizations.create({
    name,
    owner: {
      email: `${name.toLowerCase().replace(/\W+/g, "-")}-${crypto.randomUUID()}@example.com`,
      password: OWNER_PASSWORD,
    },
  });
  const scope = operatorScope(organization.id, "bench");
  const admin = await core.apiKeys.create(scope, { name: "bench admin", role: "admin" });
  const viewer = await core.apiKeys.create(scope, { name: "bench viewer", role: "viewer" });
  const created = [];
  for (let i = 0; i < credentials; i++) {
    const { credential, password } = await core.smtpCredentials.create(scope, {});
    created.push({ id: credential.id, username: credential.username, password });
  }
  return { organization, owner, scope, adminKey: admin.token, viewerKey: viewer.token, credentials: created };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts of each value, e.g. reply codes: `{ 235: 120, 454: 30 }`. */
export function tally(values: Array<number | string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}
