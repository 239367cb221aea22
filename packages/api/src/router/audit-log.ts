import { z } from "zod";
import { auditPageOutput } from "../rest/outputs";
import { organizationProcedure, router } from "../trpc";

export const auditLogRouter = router({
  list: organizationProcedure("viewer")
    .meta({
      openapi: { method: "GET", path: "/audit-log", summary: "Who changed what, newest first", tags: ["Audit log"] },
    })
    .input(
      z
        .strictObject({
          cursor: z.number().int().positive().nullish(),
          limit: z.number().int().min(1).max(200).default(50),
        })
        .default({ limit: 50 }),
    )
    .output(auditPageOutput)
    .query(({ ctx, input }) =>
      ctx.core.auditLog.list(ctx.scope.organizationId, { cursor: input.cursor ?? undefined, limit: input.limit }),
    ),
});
