import { z } from "zod";
import { loginBlockOutput } from "../rest/outputs";
import { restRoute } from "../rest/route";
import { organizationProcedure, router } from "../trpc";

const rest = restRoute("SMTP login blocks");

export const smtpLoginBlocksRouter = router({
  /** Addresses refused now for this organization's credentials after repeated failed logins, with when each ends. */
  list: organizationProcedure("viewer")
    .meta(
      rest(
        "GET",
        "/smtp-login-blocks",
        "Addresses refused for this organization's credentials after repeated failed logins",
      ),
    )
    .input(z.strictObject({}).optional())
    .output(z.array(loginBlockOutput))
    .query(({ ctx }) => ctx.core.smtpLoginBlocks.list(ctx.scope.organizationId)),

  /** Ends one address's block for this organization (admins); `lifted` is false when it had already ended. */
  lift: organizationProcedure("admin")
    .meta(
      rest(
        "POST",
        "/smtp-login-blocks/lift",
        "End an address's block for this organization; its blocks for others stand",
      ),
    )
    // As `list` shows it: an IPv4 address, or the /64 an IPv6 client is counted by.
    .input(z.strictObject({ address: z.string().trim().min(1).max(64) }))
    .output(z.object({ lifted: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.core.smtpLoginBlocks.lift(ctx.scope, input.address)),
});
