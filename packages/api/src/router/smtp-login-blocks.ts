import { z } from "zod";
import { organizationProcedure, router } from "../trpc";

export const smtpLoginBlocksRouter = router({
  /** Addresses refused now for this organization's credentials after repeated failed logins, with when each ends. */
  list: organizationProcedure("viewer").query(({ ctx }) => ctx.core.smtpLoginBlocks.list(ctx.scope.organizationId)),

  /** Ends one address's block for this organization (admins); `lifted` is false when it had already ended. */
  lift: organizationProcedure("admin")
    // As `list` shows it: an IPv4 address, or the /64 an IPv6 client is counted by.
    .input(z.object({ address: z.string().trim().min(1).max(64) }))
    .mutation(({ ctx, input }) => ctx.core.smtpLoginBlocks.lift(ctx.scope, input.address)),
});
