export * from "./audit";
export * from "./credentials";
export * from "./events";
export * from "./idempotency";
export * from "./transport";
