import { z } from "zod";
import { CREDENTIAL_EVENT_TYPES } from "./events";

/** Every action the audit log holds, each named by the dashboard. */
export const AUDIT_ACTIONS = [
  // A credential's lifecycle is audited under the names of its events.
  ...CREDENTIAL_EVENT_TYPES,
  "api_key.created",
  "api_key.revoked",
  // No longer recorded (members join through invitations), but still in the logs of older organizations.
  "member.added",
  "member.joined",
  "member.role_changed",
  "member.removed",
  "invitation.created",
  "invitation.revoked",
  "organization.created",
  "organization.renamed",
  "user.password_changed",
  "messages.purged",
  "upstream.updated",
  "upstream.cleared",
  "smtp_login_block.lifted",
  "webhook.created",
  "webhook.updated",
  "webhook.deleted",
  "webhook.secret_rotated",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who can appear as an entry's actor: a member, an API key, or RelayPost itself (the CLI, expiry). */
export const AUDIT_ACTOR_TYPES = ["user", "api_key", "system"] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

/**
 * One actor as the `actor` filter names it: `user:<id>`, `api_key:<id>`, or `system` for everything RelayPost did
 * itself (system actors have no id).
 */
export const AUDIT_ACTOR_PATTERN =
  /^(?:(?:user|api_key):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|system)$/;
export const auditActorKey = (actor: { type: AuditActorType; id: string | null }): string =>
  actor.type === "system" || actor.id === null ? "system" : `${actor.type}:${actor.id}`;

export const AUDIT_PAGE_SIZE_MAX = 200;
export const AUDIT_TARGET_MAX_LENGTH = 200;

/**
 * What the audit log can be narrowed to; every field is optional and they combine with AND. Written out rather than
 * inferred from the schema, so declarations that name it need no zod.
 */
export interface AuditFilter {
  /** One actor, as `auditActorKey` names it. */
  actor?: string | undefined;
  /** Any of these actions. */
  actions?: AuditAction[] | undefined;
  /** The target's id exactly, or text in its label (a username, a key's name, an address), ignoring case. */
  target?: string | undefined;
  /** Recorded at or after this time. */
  since?: Date | undefined;
  /** Recorded before this time; not before `since`. */
  until?: Date | undefined;
}

/** A time PostgreSQL can compare with: JavaScript takes years up to 275760, which it refuses. */
const instant = /* @__PURE__ */ z.date().min(new Date(0)).max(new Date("9999-12-31T23:59:59Z"));

/** The audit log's filters and page, as tRPC `auditLog.list` and `GET /api/v1/audit-log` both take them. */
export const auditListInputSchema = /* @__PURE__ */ z
  .strictObject({
    actor: z.string().regex(AUDIT_ACTOR_PATTERN, "Must be user:<id>, api_key:<id> or system").optional(),
    actions: z.array(z.enum(AUDIT_ACTIONS)).min(1).max(AUDIT_ACTIONS.length).optional(),
    target: z.string().trim().min(1).max(AUDIT_TARGET_MAX_LENGTH).optional(),
    since: instant.optional(),
    until: instant.optional(),
    cursor: z.number().int().positive().nullish(),
    limit: z.number().int().min(1).max(AUDIT_PAGE_SIZE_MAX).default(50),
  })
  .refine((input) => !input.since || !input.until || input.until >= input.since, {
    path: ["until"],
    message: "Must not be before since",
  })
  .default({ limit: 50 }) satisfies z.ZodType<AuditFilter & { cursor?: number | null; limit: number }>;
