export * from "./api-keys";
export * from "./audit-log";
export * from "./events";
export * from "./organizations";
export * from "./smtp-credentials";
export * from "./users";
