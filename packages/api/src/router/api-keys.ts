import { z } from "zod";
import { apiKeyOutput, apiKeyWithTokenOutput, deletedOutput } from "../rest/outputs";
import { restRoute } from "../rest/route";
import { idempotentCreateProcedure, organizationProcedure, router } from "../trpc";

const rest = restRoute("API keys");

export const apiKeysRouter = router({
  list: organizationProcedure("viewer")
    .meta(rest("GET", "/api-keys", "List the organization's API keys"))
    .input(z.strictObject({}).optional())
    .output(z.array(apiKeyOutput))
    .query(({ ctx }) => ctx.core.apiKeys.list(ctx.scope.organizationId)),

  create: idempotentCreateProcedure("admin")
    .meta(rest("POST", "/api-keys", "Create an API key; its token is shown only here", { idempotent: true }))
    .input(z.strictObject({ name: z.string().trim().min(1).max(100), role: z.enum(["admin", "viewer"]) }))
    .output(apiKeyWithTokenOutput)
    .mutation(({ ctx, input }) => ctx.core.apiKeys.create(ctx.scope, input, ctx.idempotencyKey)),

  revoke: organizationProcedure("admin")
    .meta(rest("DELETE", "/api-keys/{id}", "Revoke an API key"))
    .input(z.strictObject({ id: z.uuid() }))
    .output(deletedOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.core.apiKeys.revoke(ctx.scope.organizationId, ctx.scope.actor, input.id);
      return { id: input.id };
    }),
});
