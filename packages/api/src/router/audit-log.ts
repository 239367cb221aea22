import { z } from "zod";
import { organizationProcedure, router } from "../trpc";

export const auditLogRouter = router({
  list: organizationProcedure("viewer")
    .input(
      z
        .object({
          cursor: z.number().int().positive().nullish(),
          limit: z.number().int().min(1).max(200).default(50),
        })
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) =>
      ctx.core.auditLog.list(ctx.scope.organizationId, { cursor: input.cursor ?? undefined, limit: input.limit }),
    ),
});
