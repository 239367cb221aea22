import type { Database } from "@relaypost/db";
import type { PasswordHasher } from "../hashing";
import { signUpWithInvitation } from "./invitations";
import { createOrganization } from "./organizations";
import { EmailTakenError } from "./users";

export interface SignUpInput {
  account: { email: string; password: string; name: string };
  /** Where the account starts: an organization of its own by this name, or the one whose invitation it follows. */
  joins: { organizationName: string } | { invitationToken: string };
}

/**
 * Creates an account and its first membership. Whether the address already had an account is deliberately not
 * told: a taken address costs the same password hashing, creates nothing, spends no link and resolves like a new
 * one. The caller finds out whether the account is theirs by signing in (docs/security.md).
 */
export async function signUp(
  db: Database,
  hasher: PasswordHasher,
  input: SignUpInput,
  remoteAddress: string | null,
): Promise<void> {
  try {
    if ("invitationToken" in input.joins) {
      await signUpWithInvitation(db, hasher, input.account, input.joins.invitationToken, remoteAddress);
    } else {
      await createOrganization(db, hasher, { name: input.joins.organizationName, owner: input.account });
    }
  } catch (error) {
    if (!(error instanceof EmailTakenError)) throw error;
  }
}
