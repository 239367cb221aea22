export * from "./connection-access";
export * from "./context";
export { type AppRouter, appRouter } from "./root";
export { createCallerFactory } from "./trpc";
