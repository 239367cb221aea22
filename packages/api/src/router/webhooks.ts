import { EVENT_TYPES } from "@relaypost/contract";
import { WEBHOOK_DELIVERY_STATUSES } from "@relaypost/core";
import { z } from "zod";
import {
  deletedOutput,
  webhookDeliveryPageOutput,
  webhookEndpointOutput,
  webhookEndpointWithSecretOutput,
} from "../rest/outputs";
import { restRoute } from "../rest/route";
import { idempotentCreateProcedure, organizationProcedure, router } from "../trpc";
import { keysetCursorInput } from "./keyset-cursor";

const rest = restRoute("Webhooks");

const url = z.string().trim().min(1).max(2048);
const description = z.string().trim().max(200);
const eventTypes = z
  .array(z.enum(EVENT_TYPES))
  .max(EVENT_TYPES.length)
  .transform((types) => [...new Set(types)])
  .meta({ description: "The event types to send; empty or absent sends every type" });

export const webhooksRouter = router({
  list: organizationProcedure("viewer")
    .meta(rest("GET", "/webhooks", "List the organization's webhook endpoints"))
    .input(z.strictObject({}).optional())
    .output(z.array(webhookEndpointOutput))
    .query(({ ctx }) => ctx.core.webhooks.list(ctx.scope.organizationId)),

  create: idempotentCreateProcedure("admin")
    .meta(
      rest("POST", "/webhooks", "Add a webhook endpoint; its signing secret is shown only here", { idempotent: true }),
    )
    .input(z.strictObject({ url, description: description.optional(), eventTypes: eventTypes.optional() }))
    .output(webhookEndpointWithSecretOutput)
    .mutation(({ ctx, input }) => ctx.core.webhooks.create(ctx.scope, input, ctx.idempotencyKey)),

  update: organizationProcedure("admin")
    .meta(rest("PATCH", "/webhooks/{id}", "Change an endpoint's URL, description or event types"))
    .input(
      z.strictObject({
        id: z.uuid(),
        url: url.optional(),
        description: description.optional(),
        eventTypes: eventTypes.optional(),
      }),
    )
    .output(webhookEndpointOutput)
    .mutation(({ ctx, input: { id, ...changes } }) => ctx.core.webhooks.update(ctx.scope, id, changes)),

  // On and off are paths of their own rather than a boolean: REST's coercion would read "false" as true.
  enable: organizationProcedure("admin")
    .meta(rest("POST", "/webhooks/{id}/enable", "Turn an endpoint on (again); deliveries that waited are sent"))
    .input(z.strictObject({ id: z.uuid() }))
    .output(webhookEndpointOutput)
    .mutation(({ ctx, input }) => ctx.core.webhooks.update(ctx.scope, input.id, { enabled: true })),

  disable: organizationProcedure("admin")
    .meta(rest("POST", "/webhooks/{id}/disable", "Turn an endpoint off; events meanwhile are not sent to it"))
    .input(z.strictObject({ id: z.uuid() }))
    .output(webhookEndpointOutput)
    .mutation(({ ctx, input }) => ctx.core.webhooks.update(ctx.scope, input.id, { enabled: false })),

  delete: organizationProcedure("admin")
    .meta(rest("DELETE", "/webhooks/{id}", "Delete an endpoint and its delivery log"))
    .input(z.strictObject({ id: z.uuid() }))
    .output(deletedOutput)
    .mutation(({ ctx, input }) => ctx.core.webhooks.delete(ctx.scope, input.id)),

  rotateSecret: organizationProcedure("admin")
    .meta(
      rest("POST", "/webhooks/{id}/rotate-secret", "A new signing secret; the previous one may keep signing a while"),
    )
    .input(
      z.strictObject({
        id: z.uuid(),
        keepPreviousHours: z
          .number()
          .int()
          .min(0)
          .max(168)
          .default(24)
          .meta({ description: "Hours the previous secret keeps signing beside the new one (0: it stops at once)" }),
      }),
    )
    .output(webhookEndpointWithSecretOutput)
    .mutation(({ ctx, input }) => ctx.core.webhooks.rotateSecret(ctx.scope, input.id, input.keepPreviousHours)),

  deliveries: organizationProcedure("viewer")
    .meta(rest("GET", "/webhooks/{endpointId}/deliveries", "An endpoint's deliveries with their answers, newest first"))
    .input(
      z.strictObject({
        endpointId: z.uuid(),
        status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
        cursor: keysetCursorInput.nullish(),
        limit: z.number().int().min(1).max(100).default(50),
      }),
    )
    .output(webhookDeliveryPageOutput)
    .query(({ ctx, input }) =>
      ctx.core.webhooks.deliveries(ctx.scope.organizationId, {
        endpointId: input.endpointId,
        status: input.status,
        cursor: input.cursor ?? undefined,
        limit: input.limit,
      }),
    ),
});
