import { z } from "zod";

/**
 * Who may create an account (REGISTRATION): `open` anyone, with an organization of their own; `invite` only someone
 * following an invitation link; `closed` nobody. On an instance with no user yet, the first sign-up is always allowed.
 */
export const registrationModeSchema = /* @__PURE__ */ z.enum(["open", "invite", "closed"]);

export type RegistrationMode = z.infer<typeof registrationModeSchema>;

/** What the dashboard needs to offer or explain sign-up: the mode, and whether the next account is the first. */
export interface Registration {
  mode: RegistrationMode;
  /** No account exists yet: the next sign-up creates the instance's first owner, whatever the mode. */
  firstUser: boolean;
}
