import type { Credential } from "../../lib/api";
import { DAY_MS } from "../../lib/time";

export const UNUSED_DAYS = 30;
export const PASSWORD_MAX_AGE_DAYS = 90;

export function isUnused(c: Credential, at: number) {
  return c.active && (c.lastUsedAt ?? c.createdAt).getTime() < at - UNUSED_DAYS * DAY_MS;
}
export function isPasswordOld(c: Credential, at: number) {
  return c.passwordChangedAt.getTime() < at - PASSWORD_MAX_AGE_DAYS * DAY_MS;
}
