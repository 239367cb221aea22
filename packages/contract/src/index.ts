export * from "./audit";
export * from "./credentials";
export * from "./events";
export * from "./transport";
