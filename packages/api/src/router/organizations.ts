import { organizationNameSchema } from "@relaypost/core";
import { z } from "zod";
import { organizationProcedure, router, userProcedure } from "../trpc";

export const organizationsRouter = router({
  list: userProcedure.query(({ ctx }) => ctx.core.organizations.listForUser(ctx.principal.user.id)),

  /** Another organization for the signed-in user, who becomes its owner. */
  create: userProcedure.input(z.strictObject({ name: organizationNameSchema })).mutation(async ({ ctx, input }) => {
    const { organization } = await ctx.core.organizations.create({
      name: input.name,
      owner: { userId: ctx.principal.user.id },
    });
    return organization;
  }),

  current: organizationProcedure("viewer").query(async ({ ctx }) => {
    const organization = await ctx.core.organizations.find(ctx.scope.organizationId);
    return { ...organization, role: ctx.scope.role };
  }),

  rename: organizationProcedure("owner")
    .input(z.strictObject({ name: organizationNameSchema }))
    .mutation(({ ctx, input }) => ctx.core.organizations.rename(ctx.scope.organizationId, ctx.scope.actor, input.name)),
});
