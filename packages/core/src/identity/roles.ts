export const ROLES = ["owner", "admin", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };

/** Whether `role` grants at least what `required` grants. */
export const roleAllows = (role: Role, required: Role) => RANK[role] >= RANK[required];
