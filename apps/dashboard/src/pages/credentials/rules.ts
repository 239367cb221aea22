import type { Credential } from "../../lib/api";
import { notUsedRecently, passwordIsOld } from "../../lib/credential-view";

export { PASSWORD_MAX_AGE_DAYS, UNUSED_DAYS } from "@relaypost/contract";

/** An active credential nothing has used for a month: a candidate to turn off. */
export const isUnused = (c: Credential, at: number) => c.active && notUsedRecently(c, at);
export const isPasswordOld = passwordIsOld;
