export * from "./audit";
export * from "./credential-list";
export * from "./credentials";
export * from "./events";
export * from "./idempotency";
export * from "./invitations";
export * from "./registration";
export * from "./transport";
