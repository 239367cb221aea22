import { organizationNameSchema, USER_PASSWORD_MIN_LENGTH, userNameSchema } from "@relaypost/core";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { publicProcedure, router, userProcedure } from "../trpc";
import { clearSessionCookie, startSession } from "./session-cookie";

const email = z.email("Enter a valid email address").max(254);
const password = z.string().max(200);

export const authRouter = router({
  /**
   * Creates a user with an organization of their own they own, or, following an invitation link, as a member of the
   * organization that invited them (and no organization of their own). The answer is the same whether or not the
   * address already had an account, and nobody is signed in here: the dashboard signs in next with the same email
   * and password, which is where a taken address fails like any wrong password (docs/security.md). REGISTRATION
   * may refuse it (FORBIDDEN): `invite` admits only invitations, `closed` nobody, except an empty instance's first.
   */
  signUp: publicProcedure
    .input(
      z
        .strictObject({
          email,
          password: password.min(USER_PASSWORD_MIN_LENGTH, `At least ${USER_PASSWORD_MIN_LENGTH} characters`),
          name: userNameSchema.optional(),
          organizationName: organizationNameSchema.optional(),
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
      const joins = input.invitationToken
        ? { invitationToken: input.invitationToken }
        : { organizationName: input.organizationName ?? "" };
      await ctx.core.users.signUp({ account, joins }, ctx.request.remoteAddress);
      return { status: "ok" as const };
    }),

  /**
   * Whether this server lets people sign up (REGISTRATION) and whether no account exists yet, so the dashboard offers
   * sign-up only where it can succeed and says why it cannot.
   */
  registration: publicProcedure.query(({ ctx }) => ctx.core.users.registration()),

  signIn: publicProcedure.input(z.strictObject({ email, password })).mutation(async ({ ctx, input }) => {
    const result = await ctx.core.users.signIn(input.email, input.password, ctx.request.remoteAddress);
    if (!result.ok && result.reason === "throttled") {
      throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: "Too many failed sign-ins; try again later" });
    }
    if (!result.ok) throw new TRPCError({ code: "UNAUTHORIZED", message: "Email or password is incorrect" });
    await startSession(ctx, result.user.id);
    return { user: result.user };
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
