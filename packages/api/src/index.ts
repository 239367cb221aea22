export * from "./connection-access";
export * from "./context";
export { openApiDocument, REST_PREFIX } from "./rest/document";
export { createRestHandler, type RestHandlerOptions } from "./rest/handler";
export { PROBLEM_CONTENT_TYPE, problemResponse } from "./rest/problem";
export { type AppRouter, appRouter } from "./root";
export { createCallerFactory } from "./trpc";
