import { type Actor, systemActor } from "../actor";
import { DomainError } from "../errors";

export const ROLES = ["owner", "admin", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };
const HOLDERS: Record<Role, string> = { owner: "owners", admin: "admins and owners", viewer: "members" };
const PLURAL: Record<Role, string> = { owner: "owners", admin: "admins", viewer: "viewers" };

/** Whether `role` grants at least what `required` grants. */
export const roleAllows = (role: Role, required: Role) => RANK[role] >= RANK[required];

/** The organization a call acts in, who acts, and the role they act with there (an API key acts with its own). */
export interface RoleScope {
  organizationId: string;
  actor: Actor;
  role: Role;
}

/** The operator's own tools (CLI, benchmarks, test set-up) stand outside the ladder, with an owner's reach. */
export const operatorScope = (organizationId: string, label: string): RoleScope => ({
  organizationId,
  actor: systemActor(label),
  role: "owner",
});

/**
 * The role ladder, half one: nobody hands out a role above their own, whether to a member, through an invitation
 * or to an API key, so no two calls lift anyone past the person who made them.
 */
export function assertMayGrant(actorRole: Role, granted: Role): void {
  if (!roleAllows(actorRole, granted)) {
    throw new DomainError("FORBIDDEN", `Only ${HOLDERS[granted]} can grant the ${granted} role`, "role");
  }
}

/** The role ladder, half two: nobody changes or removes a member who ranks above them; owners may act on owners. */
export function assertMayActOn(actorRole: Role, targetRole: Role): void {
  if (!roleAllows(actorRole, targetRole)) {
    throw new DomainError("FORBIDDEN", `Only ${HOLDERS[targetRole]} can change or remove ${PLURAL[targetRole]}`);
  }
}
