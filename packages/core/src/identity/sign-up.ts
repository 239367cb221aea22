import type { RegistrationMode } from "@relaypost/contract";
import type { Database } from "@relaypost/db";
import type { PasswordHasher } from "../hashing";
import { signUpWithInvitation } from "./invitations";
import { createOrganization } from "./organizations";
import { admitOnlyFirstUser, RegistrationClosedError } from "./registration";
import { EmailTakenError } from "./users";

export interface SignUpInput {
  account: { email: string; password: string; name: string };
  /** Where the account starts: an organization of its own by this name, or the one whose invitation it follows. */
  joins: { organizationName: string } | { invitationToken: string };
}

/**
 * Creates an account and its first membership, as far as the server's REGISTRATION mode allows: `open` anyone,
 * `invite` only through an invitation, `closed` nobody; in every mode the first account of an empty instance (its
 * first owner). A refusal is a RegistrationClosedError, told before any work and whatever the address.
 *
 * Whether the address already had an account is deliberately not told: a taken address costs the same password
 * hashing, creates nothing, spends no link and resolves like a new one. The caller finds out whether the account is
 * theirs by signing in (docs/security.md).
 */
export async function signUp(
  db: Database,
  hasher: PasswordHasher,
  mode: RegistrationMode,
  input: SignUpInput,
  remoteAddress: string | null,
): Promise<void> {
  try {
    if ("invitationToken" in input.joins) {
      // A valid link implies an existing inviter, so the first-user exception never applies here.
      if (mode === "closed") throw new RegistrationClosedError(mode);
      await signUpWithInvitation(db, hasher, input.account, input.joins.invitationToken, remoteAddress);
    } else {
      const owner = input.account;
      const closedMode = mode === "open" ? undefined : mode;
      await createOrganization(
        db,
        hasher,
        { name: input.joins.organizationName, owner },
        closedMode && ((tx) => admitOnlyFirstUser(tx, closedMode)),
      );
    }
  } catch (error) {
    if (!(error instanceof EmailTakenError)) throw error;
  }
}
