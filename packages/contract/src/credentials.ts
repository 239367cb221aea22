import { z } from "zod";

// The schemas are marked pure so a bundle that uses only the constants (the dashboard) leaves zod out.

export const USERNAME_MIN_LENGTH = 4;
export const USERNAME_MAX_LENGTH = 50;
const USERNAME_CHARACTERS = "A-Za-z0-9_";
export const USERNAME_PATTERN = new RegExp(`^[${USERNAME_CHARACTERS}]{${USERNAME_MIN_LENGTH},${USERNAME_MAX_LENGTH}}$`);
/** Matches a character no username may contain: the rule a person typing most often breaks. */
export const USERNAME_FORBIDDEN_CHARACTER = new RegExp(`[^${USERNAME_CHARACTERS}]`);
export const USERNAME_RULES = `${USERNAME_MIN_LENGTH}–${USERNAME_MAX_LENGTH} characters: letters, numbers and underscores only`;

/** A username a person chose, trimmed; blank means "generate one". */
export const requestedUsernameSchema = /* @__PURE__ */ z
  .string()
  .trim()
  .refine((username) => username === "" || USERNAME_PATTERN.test(username), `Username must be ${USERNAME_RULES}`);

export const DESCRIPTION_MAX_LENGTH = 500;

/** A credential's description, trimmed, then limited. */
export const descriptionSchema = /* @__PURE__ */ z
  .string()
  .trim()
  .max(DESCRIPTION_MAX_LENGTH, `Description must be at most ${DESCRIPTION_MAX_LENGTH} characters`);
