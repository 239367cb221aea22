export * from "./connection-access";
export * from "./context";
export * from "./limits";
export { type AppRouter, appRouter } from "./root";
export { createCallerFactory } from "./trpc";
