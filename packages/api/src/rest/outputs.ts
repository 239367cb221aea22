import {
  AUDIT_ACTIONS,
  AUDIT_ACTOR_TYPES,
  EVENT_TYPES,
  MESSAGE_STATUSES,
  sendingLimitsSchema,
} from "@relaypost/contract";
import type {
  ApiKey,
  AuditActor,
  AuditEntry,
  AuditPage,
  CredentialMessageCounts,
  CredentialWithPassword,
  InvitationPreview,
  LoginActivity,
  LoginBlock,
  MessagePage,
  SmtpCredential,
  SmtpCredentialDetail,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from "@relaypost/core";
import { ROLES, WEBHOOK_DELIVERY_STATUSES } from "@relaypost/core";
import { z } from "zod";

/**
 * What the procedures served over REST answer. Each schema `satisfies` the core type it describes, so a field core
 * adds without one here fails the typecheck; tRPC validates answers against them and the OpenAPI document shows them.
 * Times are Dates here: tRPC carries them as such, REST as ISO 8601 strings.
 */

export const credentialOutput = z
  .object({
    id: z.uuid(),
    username: z.string(),
    description: z.string(),
    active: z.boolean(),
    lastUsedAt: z.date().nullable(),
    passwordChangedAt: z.date(),
    allowedSenders: z.array(z.string()),
    allowedIps: z.array(z.string()),
    expiresAt: z.date().nullable(),
    limits: sendingLimitsSchema,
    previousPasswordExpiresAt: z.date().nullable(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: "Credential" }) satisfies z.ZodType<SmtpCredential>;

export const credentialDetailOutput = credentialOutput
  .extend({
    usage: z
      .object({ minute: z.number().int(), hour: z.number().int(), day: z.number().int() })
      .meta({ description: "Messages sent in the current UTC minute, hour and day" }),
    lastLogin: z
      .object({
        at: z.date(),
        remoteAddress: z.string().meta({ description: "The client's IP address" }),
        method: z.string().meta({ description: "The SASL mechanism: PLAIN or LOGIN" }),
      })
      .nullable()
      .meta({ description: "The last successful SMTP login; null when none was recorded" }),
  })
  .meta({ id: "CredentialDetail" }) satisfies z.ZodType<SmtpCredentialDetail>;

export const loginActivityOutput = z
  .object({
    days: z.array(
      z.object({
        day: z.string().meta({ description: "The UTC day, YYYY-MM-DD" }),
        accepted: z.number().int(),
        refused: z.number().int(),
      }),
    ),
  })
  .meta({ id: "LoginActivity" }) satisfies z.ZodType<LoginActivity>;

export const credentialPageOutput = z
  .object({
    items: z.array(credentialOutput),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last" }),
    total: z.number().int().meta({ description: "How many credentials match the search and filter, on all pages" }),
  })
  .meta({ id: "CredentialPage" });

export const credentialWithPasswordOutput = z
  .object({
    credential: credentialOutput,
    password: z.string().meta({ description: "Shown once: only its hash is stored" }),
  })
  .meta({ id: "CredentialWithPassword" }) satisfies z.ZodType<CredentialWithPassword>;

export const deletedOutput = z.object({ id: z.uuid() }).meta({ id: "Deleted" });

export const invitationPreviewOutput = z
  .object({
    organizationName: z.string(),
    organizationSlug: z.string().meta({ description: "Tells apart organizations of the same name; the CLI takes it" }),
    role: z.enum(ROLES),
    inviterName: z.string().nullable().meta({ description: "Who made the link; null when they gave no name" }),
    expiresAt: z.date(),
  })
  .meta({ id: "InvitationPreview" }) satisfies z.ZodType<InvitationPreview>;

export const apiKeyOutput = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: z.enum(["admin", "viewer"]),
    prefix: z.string().meta({ description: "The token's first characters, to recognize it" }),
    createdAt: z.date(),
    lastUsedAt: z.date().nullable(),
    revokedAt: z.date().nullable(),
  })
  .meta({ id: "ApiKey" }) satisfies z.ZodType<ApiKey>;

export const apiKeyWithTokenOutput = z
  .object({
    apiKey: apiKeyOutput,
    token: z.string().meta({ description: "Shown once: only its hash is stored" }),
  })
  .meta({ id: "ApiKeyWithToken" });

export const auditPageOutput = z
  .object({
    items: z.array(
      z
        .object({
          id: z.number().int(),
          actorType: z.enum(AUDIT_ACTOR_TYPES),
          actorLabel: z.string(),
          action: z.enum(AUDIT_ACTIONS),
          targetType: z.string(),
          targetId: z.string().nullable(),
          targetLabel: z.string().nullable(),
          remoteAddress: z.string().nullable(),
          metadata: z.record(z.string(), z.unknown()),
          createdAt: z.date(),
        })
        .meta({ id: "AuditEntry" }) satisfies z.ZodType<AuditEntry>,
    ),
    nextCursor: z
      .number()
      .int()
      .nullable()
      .meta({ description: "Pass as `cursor` for the next page; null on the last" }),
    total: z.number().int().meta({ description: "Entries matching the filters, on every page" }),
  })
  .meta({ id: "AuditPage" }) satisfies z.ZodType<AuditPage>;

export const auditActorsOutput = z
  .array(
    z
      .object({
        actor: z.string().meta({ description: "The `actor` filter's value: `user:<id>`, `api_key:<id>` or `system`" }),
        type: z.enum(AUDIT_ACTOR_TYPES),
        label: z.string().meta({ description: "Their latest name in the log" }),
      })
      .meta({ id: "AuditActor" }) satisfies z.ZodType<AuditActor>,
  )
  .meta({ id: "AuditActors" });

const messageOutput = z
  .object({
    id: z.uuid(),
    credentialId: z.uuid().nullable(),
    mailFrom: z.string(),
    rcptTo: z.array(z.string()),
    size: z.number().int(),
    subject: z.string().nullable(),
    status: z.enum(MESSAGE_STATUSES),
    attempts: z.number().int(),
    lastReply: z.string().nullable(),
    recipients: z.array(
      z.object({
        address: z.string(),
        state: z.enum(["pending", "relayed", "failed"]),
        reply: z.string().nullable(),
      }),
    ),
    createdAt: z.date(),
    relayedAt: z.date().nullable(),
    bodyPrunedAt: z.date().nullable(),
  })
  .meta({ id: "Message" });

export const messagePageOutput = z
  .object({
    items: z.array(messageOutput),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last" }),
  })
  .meta({ id: "MessagePage" }) satisfies z.ZodType<MessagePage>;

export const messageSourceOutput = z
  .object({
    message: messageOutput,
    source: z
      .string()
      .nullable()
      .meta({ description: "The raw MIME as text, at most 1 MiB; null once the body retention removed it" }),
    truncated: z.boolean().meta({ description: "The source was longer than 1 MiB and is cut there" }),
  })
  .meta({ id: "MessageSource" });

export const messageCountsOutput = z
  .array(
    z.object({ credentialId: z.uuid(), last24h: z.number().int(), last7d: z.number().int() }).meta({
      id: "CredentialMessageCounts",
    }),
  )
  .meta({
    description: "Credentials that accepted no message in the last 7 days are left out",
  }) satisfies z.ZodType<CredentialMessageCounts[]>;

export const purgedOutput = z
  .object({ deleted: z.number().int().meta({ description: "Messages deleted from the log" }) })
  .meta({ id: "Purged" });

export const eventPageOutput = z
  .object({
    events: z.array(
      z
        .object({
          id: z.number().int().meta({ description: "Increases with every event: the point to continue after" }),
          type: z.enum(EVENT_TYPES),
          organizationId: z.uuid(),
          credentialId: z.uuid().nullable(),
          username: z.string().nullable(),
          remoteAddress: z.string().nullable(),
          data: z.record(z.string(), z.unknown()).meta({ description: "What happened; its fields depend on `type`" }),
          createdAt: z.date(),
        })
        .meta({ id: "Event" }),
    ),
    nextAfter: z.number().int().meta({ description: "Pass as `after` to continue; the same `after` when none came" }),
  })
  .meta({ id: "EventPage" });

export const loginBlockOutput = z
  .object({
    address: z.string().meta({ description: "An IPv4 address, or the /64 an IPv6 client is counted by" }),
    attempts: z.number().int().meta({ description: "Distinct failed logins counted in the window" }),
    until: z.date().meta({ description: "When the block ends unless lifted" }),
  })
  .meta({ id: "LoginBlock" }) satisfies z.ZodType<LoginBlock>;

export const webhookEndpointOutput = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.enum(EVENT_TYPES)).meta({ description: "The event types sent; empty sends every type" }),
    enabled: z.boolean(),
    disabledReason: z
      .string()
      .nullable()
      .meta({ description: "Why RelayPost turned it off after repeated failure; null otherwise" }),
    consecutiveFailures: z.number().int(),
    previousSecretExpiresAt: z
      .date()
      .nullable()
      .meta({ description: "Until when the secret before the last rotation still signs beside the new one" }),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: "WebhookEndpoint" }) satisfies z.ZodType<WebhookEndpoint>;

export const webhookEndpointWithSecretOutput = z
  .object({
    endpoint: webhookEndpointOutput,
    secret: z.string().meta({ description: "Shown once: the Standard Webhooks signing secret (whsec_…)" }),
  })
  .meta({ id: "WebhookEndpointWithSecret" }) satisfies z.ZodType<WebhookEndpointWithSecret>;

export const webhookDeliveryPageOutput = z
  .object({
    items: z.array(
      z
        .object({
          id: z.uuid(),
          endpointId: z.uuid(),
          eventId: z.number().int(),
          eventType: z.enum(EVENT_TYPES),
          status: z.enum(WEBHOOK_DELIVERY_STATUSES),
          attempts: z.number().int(),
          lastStatus: z
            .number()
            .int()
            .nullable()
            .meta({ description: "The endpoint's HTTP status; null if unreached" }),
          lastResponse: z
            .string()
            .nullable()
            .meta({ description: "The start of its answer (1 KiB), or why it could not be reached" }),
          lastAttemptAt: z.date().nullable(),
          nextAttemptAt: z.date().nullable().meta({ description: "When the next attempt is due, while pending" }),
          createdAt: z.date(),
        })
        .meta({ id: "WebhookDelivery" }) satisfies z.ZodType<WebhookDelivery>,
    ),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last" }),
  })
  .meta({ id: "WebhookDeliveryPage" }) satisfies z.ZodType<WebhookDeliveryPage>;
