import {
  type ApiKey,
  type Core,
  DomainError,
  decodeCredentialCursor,
  type Organization,
  operatorScope,
  type SmtpCredential,
  systemActor,
} from "@relaypost/core";
import { z } from "zod";

const org = z.string().min(1);
const credential = z.string().min(1);

/**
 * What a CLI command asks of the domain, the same whether the CLI runs it on a database it opened or hands it to
 * the running server over its socket: the server validates it with this schema, as any input from outside.
 */
export const cliRequestSchema = z.discriminatedUnion("command", [
  z.object({ command: z.literal("credentials list"), org, search: z.string().optional() }),
  z.object({
    command: z.literal("credentials create"),
    org,
    username: z.string().optional(),
    description: z.string().optional(),
  }),
  z.object({
    command: z.literal("credentials regenerate"),
    org,
    credential,
    keepPreviousForSeconds: z.number().int().nonnegative().optional(),
  }),
  z.object({ command: z.literal("credentials activate"), org, credential }),
  z.object({ command: z.literal("credentials deactivate"), org, credential }),
  z.object({ command: z.literal("credentials delete"), org, credential }),
  z.object({ command: z.literal("api-keys list"), org }),
  z.object({ command: z.literal("api-keys create"), org, name: z.string().min(1), role: z.enum(["admin", "viewer"]) }),
  z.object({ command: z.literal("api-keys revoke"), org, key: z.string().min(1) }),
  z.object({ command: z.literal("orgs list") }),
  z.object({
    command: z.literal("orgs create"),
    name: z.string(),
    ownerEmail: z.string(),
    /** Present when the owner is a new account; absent, the owner must already have one. */
    ownerPassword: z.string().optional(),
  }),
  z.object({ command: z.literal("users reset-password"), email: z.string(), password: z.string() }),
]);
export type CliRequest = z.infer<typeof cliRequestSchema>;

/** A command's answer: `data` is what --json prints, `text` the lines printed otherwise. */
export interface CliAnswer {
  data: unknown;
  text: string[];
}

const ACTOR_LABEL = "cli";
const CREDENTIAL_PAGE = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function organization(core: Core, idOrSlug: string): Promise<Organization> {
  const found = await core.organizations.find(idOrSlug);
  if (!found) throw new DomainError("NOT_FOUND", `No organization with id or slug "${idOrSlug}"`);
  return found;
}

async function allCredentials(core: Core, organizationId: string, search?: string): Promise<SmtpCredential[]> {
  const items: SmtpCredential[] = [];
  let cursor: string | null = null;
  do {
    const page = await core.smtpCredentials.list(organizationId, {
      search,
      limit: CREDENTIAL_PAGE,
      cursor: cursor ? decodeCredentialCursor(cursor) : undefined,
    });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** A credential named by its id or its username. */
async function credentialId(core: Core, organizationId: string, idOrUsername: string): Promise<string> {
  if (UUID.test(idOrUsername)) return (await core.smtpCredentials.get(organizationId, idOrUsername)).id;
  const matches = await allCredentials(core, organizationId, idOrUsername);
  const found = matches.find((c) => c.username === idOrUsername);
  if (!found) throw new DomainError("NOT_FOUND", `No SMTP credential with id or username "${idOrUsername}"`);
  return found.id;
}

/** An API key named by its id or the prefix `api-keys list` shows. */
async function apiKey(core: Core, organizationId: string, idOrPrefix: string): Promise<ApiKey> {
  const keys = await core.apiKeys.list(organizationId);
  const found = keys.find((k) => k.id === idOrPrefix || k.prefix === idOrPrefix);
  if (!found) throw new DomainError("NOT_FOUND", `No API key with id or prefix "${idOrPrefix}"`);
  return found;
}

const credentialLine = (c: SmtpCredential) =>
  [c.username, c.active ? "active" : "inactive", c.id, c.description].filter(Boolean).join("  ");
const apiKeyLine = (k: ApiKey) => [`${k.prefix}…`, k.role, k.revokedAt ? "revoked" : "live", k.id, k.name].join("  ");
const organizationLine = (o: Organization) => [o.slug, o.id, o.name].join("  ");

/** The secret alone on the last line, so a script can take it with `tail -n 1`. */
const withSecret = (summary: string, secret: string) => [summary, secret];

/** Runs one request with the operator's reach (an owner's, audited as "cli"). */
export async function execute(core: Core, request: CliRequest): Promise<CliAnswer> {
  switch (request.command) {
    case "credentials list": {
      const { id } = await organization(core, request.org);
      const credentials = await allCredentials(core, id, request.search);
      return { data: credentials, text: credentials.map(credentialLine) };
    }
    case "credentials create": {
      const { id } = await organization(core, request.org);
      const created = await core.smtpCredentials.create(operatorScope(id, ACTOR_LABEL), {
        username: request.username,
        description: request.description,
      });
      return {
        data: created,
        text: withSecret(
          `Created SMTP credential ${created.credential.username}. Its password is shown once:`,
          created.password,
        ),
      };
    }
    case "credentials regenerate": {
      const { id } = await organization(core, request.org);
      const target = await credentialId(core, id, request.credential);
      const regenerated = await core.smtpCredentials.regeneratePassword(operatorScope(id, ACTOR_LABEL), target, {
        keepPreviousForSeconds: request.keepPreviousForSeconds,
      });
      return {
        data: regenerated,
        text: withSecret(
          `New password for ${regenerated.credential.username}. It is shown once:`,
          regenerated.password,
        ),
      };
    }
    case "credentials activate":
    case "credentials deactivate": {
      const { id } = await organization(core, request.org);
      const target = await credentialId(core, id, request.credential);
      const active = request.command === "credentials activate";
      const changed = await core.smtpCredentials.setActive(operatorScope(id, ACTOR_LABEL), target, active);
      return { data: changed, text: [`${changed.username} is ${active ? "active" : "inactive"}`] };
    }
    case "credentials delete": {
      const { id } = await organization(core, request.org);
      const target = await credentialId(core, id, request.credential);
      await core.smtpCredentials.delete(operatorScope(id, ACTOR_LABEL), target);
      return { data: { id: target, deleted: true }, text: [`Deleted SMTP credential ${request.credential}`] };
    }
    case "api-keys list": {
      const { id } = await organization(core, request.org);
      const keys = await core.apiKeys.list(id);
      return { data: keys, text: keys.map(apiKeyLine) };
    }
    case "api-keys create": {
      const found = await organization(core, request.org);
      const created = await core.apiKeys.create(operatorScope(found.id, ACTOR_LABEL), {
        name: request.name,
        role: request.role,
      });
      return {
        data: created,
        text: withSecret(
          `Created API key ${created.apiKey.prefix}… (${request.role}) for ${found.slug}. It is shown once:`,
          created.token,
        ),
      };
    }
    case "api-keys revoke": {
      const { id } = await organization(core, request.org);
      const key = await apiKey(core, id, request.key);
      if (key.revokedAt) throw new DomainError("CONFLICT", `API key ${key.prefix}… is already revoked`);
      await core.apiKeys.revoke(id, systemActor(ACTOR_LABEL), key.id);
      return { data: { id: key.id, revoked: true }, text: [`Revoked API key ${key.prefix}… (${key.name})`] };
    }
    case "orgs list": {
      const organizations = await core.organizations.list();
      return { data: organizations, text: organizations.map(organizationLine) };
    }
    case "orgs create":
      return createOrganization(core, request);
    case "users reset-password": {
      const reset = await core.users.resetPassword(systemActor(ACTOR_LABEL), request.email, request.password);
      return {
        data: reset,
        text: [`Password of ${request.email} reset; ${reset.sessionsEnded} session(s) ended`],
      };
    }
  }
}

async function createOrganization(
  core: Core,
  request: Extract<CliRequest, { command: "orgs create" }>,
): Promise<CliAnswer> {
  let owner: { userId: string } | { email: string; password: string };
  if (request.ownerPassword !== undefined) {
    owner = { email: request.ownerEmail, password: request.ownerPassword };
  } else {
    const user = await core.users.findByEmail(request.ownerEmail);
    if (!user) {
      throw new DomainError(
        "NOT_FOUND",
        `No account with the email ${request.ownerEmail}; add --new-owner to create one with the organization`,
      );
    }
    owner = { userId: user.id };
  }
  const { organization: created } = await core.organizations.create({ name: request.name, owner });
  const data = { id: created.id, slug: created.slug, name: created.name };
  return { data, text: [JSON.stringify(data)] };
}
