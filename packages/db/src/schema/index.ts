export * from "./api-keys";
export * from "./audit-log";
export * from "./events";
export * from "./invitations";
export * from "./organizations";
export * from "./smtp-credentials";
export * from "./smtp-messages";
export * from "./users";
