import { USER_PASSWORD_MIN_LENGTH } from "@relaypost/core";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { publicProcedure, router, userProcedure } from "../trpc";
import { clearSessionCookie, startSession } from "./session-cookie";

const email = z.email("Enter a valid email address").max(254);
const password = z.string().max(200);

export const authRouter = router({
  /**
   * Creates a user and signs them in: with an organization of their own they own, or, following an invitation link,
   * as a member of the organization that invited them (and no organization of their own).
   */
  signUp: publicProcedure
    .input(
      z
        .object({
          email,
          password: password.min(USER_PASSWORD_MIN_LENGTH, `At least ${USER_PASSWORD_MIN_LENGTH} characters`),
          name: z.string().trim().max(100).optional(),
          organizationName: z.string().trim().min(1, "Name your organization").max(100).optional(),
          invitationToken: z.string().min(1).max(200).optional(),
        })
        .superRefine((input, ctx) => {
          if (input.organizationName === undefined && input.invitationToken === undefined)
            ctx.addIssue({ code: "custom", path: ["organizationName"], message: "Name your organization" });
          if (input.organizationName !== undefined && input.invitationToken !== undefined)
            ctx.addIssue({
              code: "custom",
              path: ["organizationName"],
              message: "An invitation joins the organization that sent it; leave the organization name out",
            });
        }),
    )
    .mutation(async ({ ctx, input }) => {
      const account = { email: input.email, password: input.password, name: input.name ?? "" };
      const { organization, user } = input.invitationToken
        ? await ctx.core.invitations.signUp(account, input.invitationToken, ctx.request.remoteAddress)
        : await ctx.core.organizations
            .create({ name: input.organizationName ?? "", owner: account })
            .then(({ organization, owner }) => ({ organization, user: owner }));
      await startSession(ctx, user.id);
      return { user, organization };
    }),

  signIn: publicProcedure.input(z.object({ email, password })).mutation(async ({ ctx, input }) => {
    const user = await ctx.core.users.authenticate(input.email, input.password);
    if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Email or password is incorrect" });
    await startSession(ctx, user.id);
    return { user };
  }),

  signOut: userProcedure.mutation(async ({ ctx }) => {
    await ctx.core.sessions.revoke(ctx.principal.sessionToken);
    clearSessionCookie(ctx);
    return { signedOut: true };
  }),

  /** The signed-in user and their organizations, or null: lets the dashboard decide what to show without an error. */
  me: publicProcedure.query(async ({ ctx }) => {
    if (ctx.principal.kind !== "session") return null;
    const organizations = await ctx.core.organizations.listForUser(ctx.principal.user.id);
    return { user: ctx.principal.user, organizations };
  }),
});
