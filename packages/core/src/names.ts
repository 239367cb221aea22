import { z } from "zod";

export const NAME_MAX_LENGTH = 100;

/**
 * Characters that show as nothing, or only steer the text around them: controls, format characters (bidi overrides
 * and isolates, zero-width spaces and joiners), separators and other default-ignorable code points (fillers). A name
 * made only of these looks blank in lists, invitations and the audit log, or passes for another.
 */
const INVISIBLE_ONLY = /^[\p{Cc}\p{Cf}\p{Z}\p{Default_Ignorable_Code_Point}\s]*$/u;

export const hasVisibleCharacter = (text: string): boolean => !INVISIBLE_ONLY.test(text);

const VISIBLE_RULE = "Use at least one visible character";

/** An organization's name, wherever one is set: sign-up, create, rename, the CLI. */
export const organizationNameSchema = z
  .string()
  .trim()
  .min(1, "Name your organization")
  .max(NAME_MAX_LENGTH, `At most ${NAME_MAX_LENGTH} characters`)
  .refine(hasVisibleCharacter, VISIBLE_RULE);

/** A user's display name: may be left empty, but not made of invisible characters only. */
export const userNameSchema = z
  .string()
  .trim()
  .max(NAME_MAX_LENGTH, `At most ${NAME_MAX_LENGTH} characters`)
  .refine((name) => name === "" || hasVisibleCharacter(name), VISIBLE_RULE);
