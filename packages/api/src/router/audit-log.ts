import { auditListInputSchema } from "@relaypost/contract";
import { auditActorsOutput, auditPageOutput } from "../rest/outputs";
import { restRoute } from "../rest/route";
import { organizationProcedure, router } from "../trpc";

const rest = restRoute("Audit log");

export const auditLogRouter = router({
  /** Who changed what, newest first, narrowed by actor, actions, target and time, with the total that matches. */
  list: organizationProcedure("viewer")
    .meta(rest("GET", "/audit-log", "Who changed what, newest first, filtered by actor, action, target and time"))
    .input(auditListInputSchema)
    .output(auditPageOutput)
    .query(({ ctx, input: { cursor, ...query } }) =>
      ctx.core.auditLog.list(ctx.scope.organizationId, { ...query, cursor: cursor ?? undefined }),
    ),

  /** Everyone who appears in the organization's log, with the value the `actor` filter takes for each. */
  actors: organizationProcedure("viewer")
    .meta(rest("GET", "/audit-log/actors", "The actors the audit log holds, to filter it by"))
    .output(auditActorsOutput)
    .query(({ ctx }) => ctx.core.auditLog.actors(ctx.scope.organizationId)),
});
