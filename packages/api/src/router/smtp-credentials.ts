import {
  allowedIpsSchema,
  allowedSendersSchema,
  descriptionSchema,
  expiresAtSchema,
  keepPreviousForSecondsSchema,
  requestedUsernameSchema,
  sendingLimitsSchema,
} from "@relaypost/contract";
import { decodeCredentialCursor } from "@relaypost/core";
import { z } from "zod";
import { organizationProcedure, router } from "../trpc";

const id = z.object({ id: z.uuid() });
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
  create: organizationProcedure("admin")
    .input(
      z.object({
        username: requestedUsernameSchema.optional(),
        description: descriptionSchema.optional(),
        allowedSenders: allowedSendersSchema.optional(),
        allowedIps: allowedIpsSchema.optional(),
        expiresAt: expiresAtSchema.optional(),
        limits: sendingLimitsSchema.optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.core.smtpCredentials.create(ctx.scope, input)),

  list: organizationProcedure("viewer")
    .input(
      z
        .object({
          search: z.string().max(100).optional(),
          cursor: cursor.nullish(),
          limit: z.number().int().min(1).max(100).default(50),
        })
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) =>
      ctx.core.smtpCredentials.list(ctx.scope.organizationId, {
        search: input.search,
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
    .input(id)
    .query(({ ctx, input }) => ctx.core.smtpCredentials.get(ctx.scope.organizationId, input.id)),

  update: organizationProcedure("admin")
    .input(
      id.extend({
        description: descriptionSchema.optional(),
        allowedSenders: allowedSendersSchema.optional(),
        allowedIps: allowedIpsSchema.optional(),
        expiresAt: expiresAtSchema.optional(),
        limits: sendingLimitsSchema.optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.core.smtpCredentials.update(ctx.scope, input.id, input)),

  regeneratePassword: organizationProcedure("admin")
    .input(id.extend({ keepPreviousForSeconds: keepPreviousForSecondsSchema }))
    .mutation(({ ctx, input }) => ctx.core.smtpCredentials.regeneratePassword(ctx.scope, input.id, input)),

  /** Ends a rotation's overlap now: the previous password stops working on every process. */
  endPreviousPassword: organizationProcedure("admin")
    .input(id)
    .mutation(({ ctx, input }) => ctx.core.smtpCredentials.endPreviousPassword(ctx.scope, input.id)),

  setActive: organizationProcedure("admin")
    .input(id.extend({ active: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.core.smtpCredentials.setActive(ctx.scope, input.id, input.active)),

  delete: organizationProcedure("admin")
    .input(id)
    .mutation(async ({ ctx, input }) => {
      await ctx.core.smtpCredentials.delete(ctx.scope, input.id);
      return { id: input.id };
    }),
});
