import {
  allowedIpsSchema,
  allowedSendersSchema,
  CREDENTIAL_FILTERS,
  CREDENTIAL_PAGE_MAX,
  CREDENTIAL_SORTS,
  DEFAULT_CREDENTIAL_SORT,
  DEFAULT_SORT_ORDER,
  descriptionSchema,
  expiresAtSchema,
  keepPreviousForSecondsSchema,
  requestedUsernameSchema,
  SORT_ORDERS,
  sendingLimitsSchema,
} from "@relaypost/contract";
import { decodeCredentialCursor } from "@relaypost/core";
import { z } from "zod";
import {
  credentialDetailOutput,
  credentialOutput,
  credentialPageOutput,
  credentialWithPasswordOutput,
  deletedOutput,
  loginActivityOutput,
} from "../rest/outputs";
import { restRoute } from "../rest/route";
import { idempotentCreateProcedure, organizationProcedure, router } from "../trpc";

const id = z.strictObject({ id: z.uuid() });
const rest = restRoute("Credentials");
/** Decoded here, so a forged cursor is refused on its field and never reaches SQL. */
const cursor = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const decoded = decodeCredentialCursor(value);
    if (!decoded) ctx.addIssue({ code: "custom", message: "Invalid cursor" });
    return decoded ?? z.NEVER;
  });

export const smtpCredentialsRouter = router({
  create: idempotentCreateProcedure("admin")
    .meta(
      rest("POST", "/credentials", "Create a credential; its password is shown only in this answer", {
        idempotent: true,
      }),
    )
    .input(
      z.strictObject({
        username: requestedUsernameSchema.optional(),
        description: descriptionSchema.optional(),
        allowedSenders: allowedSendersSchema.optional(),
        allowedIps: allowedIpsSchema.optional(),
        expiresAt: expiresAtSchema.optional(),
        limits: sendingLimitsSchema.optional(),
      }),
    )
    .output(credentialWithPasswordOutput)
    .mutation(({ ctx, input }) => ctx.core.smtpCredentials.create(ctx.scope, input, ctx.idempotencyKey)),

  list: organizationProcedure("viewer")
    .meta(rest("GET", "/credentials", "List credentials, newest first unless sorted, a page at a time, with the total"))
    .input(
      z
        .strictObject({
          search: z.string().max(100).optional().meta({ description: "Part of the username or description" }),
          sort: z
            .enum(CREDENTIAL_SORTS)
            .default(DEFAULT_CREDENTIAL_SORT)
            .meta({ description: "What to order by; never-used credentials count as the oldest use" }),
          order: z.enum(SORT_ORDERS).default(DEFAULT_SORT_ORDER),
          filter: z.enum(CREDENTIAL_FILTERS).optional().meta({
            description:
              "Only active or inactive ones, never used, unused (no login in 30 days and older than that), or with a password older than 90 days",
          }),
          cursor: cursor.nullish().meta({ description: "A nextCursor from the same sort and order" }),
          limit: z.number().int().min(1).max(CREDENTIAL_PAGE_MAX).default(50),
        })
        .default({ limit: 50, sort: DEFAULT_CREDENTIAL_SORT, order: DEFAULT_SORT_ORDER }),
    )
    .output(credentialPageOutput)
    .query(({ ctx, input }) =>
      ctx.core.smtpCredentials.list(ctx.scope.organizationId, {
        search: input.search,
        sort: input.sort,
        order: input.order,
        filter: input.filter,
        cursor: input.cursor ?? undefined,
        limit: input.limit,
      }),
    ),

  /** The host and ports applications use, for the settings shown with a new password. */
  connectionSettings: organizationProcedure("viewer").query(async ({ ctx }) => {
    // Relayed when the server has a default upstream or the organization has its own.
    const relaying = ctx.smtpEndpoint.relaying || (await ctx.core.upstream.get(ctx.scope.organizationId)).own !== null;
    return { ...ctx.smtpEndpoint, relaying };
  }),

  get: organizationProcedure("viewer")
    .meta(rest("GET", "/credentials/{id}", "Get a credential with its current usage"))
    .input(id)
    .output(credentialDetailOutput)
    .query(({ ctx, input }) => ctx.core.smtpCredentials.get(ctx.scope.organizationId, input.id)),

  loginActivity: organizationProcedure("viewer")
    .meta(rest("GET", "/credentials/{id}/logins", "Logins accepted and refused per UTC day over the last 7 days"))
    .input(id)
    .output(loginActivityOutput)
    .query(({ ctx, input }) => ctx.core.smtpCredentials.loginActivity(ctx.scope.organizationId, input.id)),

  update: organizationProcedure("admin")
    .meta(rest("PATCH", "/credentials/{id}", "Change a credential's description and restrictions"))
    .input(
      id.extend({
        description: descriptionSchema.optional(),
        allowedSenders: allowedSendersSchema.optional(),
        allowedIps: allowedIpsSchema.optional(),
        expiresAt: expiresAtSchema.optional(),
        limits: sendingLimitsSchema.optional(),
      }),
    )
    .output(credentialOutput)
    .mutation(({ ctx, input }) => ctx.core.smtpCredentials.update(ctx.scope, input.id, input)),

  regeneratePassword: organizationProcedure("admin")
    .meta(rest("POST", "/credentials/{id}/regenerate-password", "Issue a new password; shown only in this answer"))
    .input(id.extend({ keepPreviousForSeconds: keepPreviousForSecondsSchema }))
    .output(credentialWithPasswordOutput)
    .mutation(({ ctx, input }) => ctx.core.smtpCredentials.regeneratePassword(ctx.scope, input.id, input)),

  /** Ends a rotation's overlap now: the previous password stops working on every process. */
  endPreviousPassword: organizationProcedure("admin")
    .meta(rest("POST", "/credentials/{id}/end-previous-password", "Stop the previous password now"))
    .input(id)
    .output(credentialOutput)
    .mutation(({ ctx, input }) => ctx.core.smtpCredentials.endPreviousPassword(ctx.scope, input.id)),

  setActive: organizationProcedure("admin")
    .input(id.extend({ active: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.core.smtpCredentials.setActive(ctx.scope, input.id, input.active)),

  /** setActive as REST names it: a path of its own rather than a boolean in the body. */
  activate: organizationProcedure("admin")
    .meta(rest("POST", "/credentials/{id}/activate", "Let a credential log in again"))
    .input(id)
    .output(credentialOutput)
    .mutation(({ ctx, input }) => ctx.core.smtpCredentials.setActive(ctx.scope, input.id, true)),

  deactivate: organizationProcedure("admin")
    .meta(rest("POST", "/credentials/{id}/deactivate", "Refuse a credential's logins and end its sessions"))
    .input(id)
    .output(credentialOutput)
    .mutation(({ ctx, input }) => ctx.core.smtpCredentials.setActive(ctx.scope, input.id, false)),

  delete: organizationProcedure("admin")
    .meta(rest("DELETE", "/credentials/{id}", "Delete a credential and end its sessions"))
    .input(id)
    .output(deletedOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.core.smtpCredentials.delete(ctx.scope, input.id);
      return { id: input.id };
    }),
});
