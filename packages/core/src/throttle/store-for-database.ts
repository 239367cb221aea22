import type { DatabaseHandle } from "@relaypost/db";
import { type AttemptStore, createMemoryAttemptStore } from "./attempt-store";
import { createPostgresAttemptStore } from "./postgres-attempt-store";

/** Shared through PostgreSQL, so every process counts the same attempts; on embedded PGlite (one process), in memory. */
export const attemptStoreFor = (database: Pick<DatabaseHandle, "db" | "driver">): AttemptStore =>
  database.driver === "postgres" ? createPostgresAttemptStore(database.db) : createMemoryAttemptStore();
