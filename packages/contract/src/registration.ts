import { z } from "zod";

/**
 * Who may create an account (REGISTRATION): `open` anyone, with an organization of their own; `invite` only someone
 * following an invitation link; `closed` nobody. On an instance with no user yet, the first sign-up is always allowed.
 */
export const REGISTRATION_MODES = ["open", "invite", "closed"] as const;

/** Written out from the list, not inferred from the schema, so declarations that name it (the client's) need no zod. */
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

export const registrationModeSchema = /* @__PURE__ */ z.enum(REGISTRATION_MODES);

/** What the dashboard needs to offer or explain sign-up: the mode, and whether the next account is the first. */
export interface Registration {
  mode: RegistrationMode;
  /** No account exists yet: the next sign-up creates the instance's first owner, whatever the mode. */
  firstUser: boolean;
}

/** Why a sign-up is refused, in the words the API's FORBIDDEN answer and the dashboard both use. */
export const REGISTRATION_REFUSALS: Readonly<Record<Exclude<RegistrationMode, "open">, string>> = {
  invite: "Sign-up needs an invitation on this server",
  closed: "Sign-up is closed on this server; ask its operator for an account",
};

/**
 * Why a sign-up would be refused, or undefined when it may go ahead: `open` admits anyone, `invite` a newcomer with
 * an invitation, `closed` nobody, and every mode the first account of an empty instance.
 */
export function signUpRefusal(registration: Registration, withInvitation: boolean): string | undefined {
  const { mode, firstUser } = registration;
  if (mode === "open" || (mode === "invite" && withInvitation)) return undefined;
  // A usable invitation implies an inviter: on an empty instance it never applies, so the refusal stands.
  if (firstUser && !withInvitation) return undefined;
  return REGISTRATION_REFUSALS[mode];
}
