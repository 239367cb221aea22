import { z } from "zod";
import { loginBlockOutput } from "../rest/outputs";
import { organizationProcedure, router } from "../trpc";

const TAGS = ["SMTP login blocks"];

export const smtpLoginBlocksRouter = router({
  /** Addresses refused now for this organization's credentials after repeated failed logins, with when each ends. */
  list: organizationProcedure("viewer")
    .meta({
      openapi: {
        method: "GET",
        path: "/smtp-login-blocks",
        summary: "Addresses refused for this organization's credentials after repeated failed logins",
        tags: TAGS,
      },
    })
    .input(z.strictObject({}).optional())
    .output(z.array(loginBlockOutput))
    .query(({ ctx }) => ctx.core.smtpLoginBlocks.list(ctx.scope.organizationId)),

  /** Ends one address's block for this organization (admins); `lifted` is false when it had already ended. */
  lift: organizationProcedure("admin")
    .meta({
      openapi: {
        method: "POST",
        path: "/smtp-login-blocks/lift",
        summary: "End an address's block for this organization; its blocks for others stand",
        tags: TAGS,
      },
    })
    // As `list` shows it: an IPv4 address, or the /64 an IPv6 client is counted by.
    .input(z.strictObject({ address: z.string().trim().min(1).max(64) }))
    .output(z.object({ lifted: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.core.smtpLoginBlocks.lift(ctx.scope, input.address)),
});
