export { type AttemptStore, attemptStoreFor, createMemoryAttemptStore } from "./attempt-store";
export { throttleAddress } from "./client-address";
export { createPostgresAttemptStore } from "./postgres-attempt-store";
export * from "./throttle";
