import { BASE36, randomString } from "../random";

export const USERNAME_PATTERN = /^[A-Za-z0-9_]{4,50}$/;
export const USERNAME_RULES = "4–50 characters: letters, numbers and underscores only";

export function generateUsername(): string {
  return `smtp_${randomString(BASE36, 8)}`;
}
