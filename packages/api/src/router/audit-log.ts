import { z } from "zod";
import { auditPageOutput } from "../rest/outputs";
import { restRoute } from "../rest/route";
import { organizationProcedure, router } from "../trpc";

const rest = restRoute("Audit log");

export const auditLogRouter = router({
  list: organizationProcedure("viewer")
    .meta(rest("GET", "/audit-log", "Who changed what, newest first"))
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
