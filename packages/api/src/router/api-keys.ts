import { z } from "zod";
import { apiKeyOutput, apiKeyWithTokenOutput, deletedOutput } from "../rest/outputs";
import { organizationProcedure, router } from "../trpc";

const TAGS = ["API keys"];

export const apiKeysRouter = router({
  list: organizationProcedure("viewer")
    .meta({ openapi: { method: "GET", path: "/api-keys", summary: "List the organization's API keys", tags: TAGS } })
    .input(z.strictObject({}).optional())
    .output(z.array(apiKeyOutput))
    .query(({ ctx }) => ctx.core.apiKeys.list(ctx.scope.organizationId)),

  create: organizationProcedure("admin")
    .meta({
      openapi: {
        method: "POST",
        path: "/api-keys",
        summary: "Create an API key; its token is shown only here",
        tags: TAGS,
      },
    })
    .input(z.strictObject({ name: z.string().trim().min(1).max(100), role: z.enum(["admin", "viewer"]) }))
    .output(apiKeyWithTokenOutput)
    .mutation(({ ctx, input }) => ctx.core.apiKeys.create(ctx.scope, input)),

  revoke: organizationProcedure("admin")
    .meta({ openapi: { method: "DELETE", path: "/api-keys/{id}", summary: "Revoke an API key", tags: TAGS } })
    .input(z.strictObject({ id: z.uuid() }))
    .output(deletedOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.core.apiKeys.revoke(ctx.scope.organizationId, ctx.scope.actor, input.id);
      return { id: input.id };
    }),
});
