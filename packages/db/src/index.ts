export * from "./client";
export { DataDirInUseError } from "./data-dir-lock";
export { DatabaseConnectError, type DatabaseLocation, type OpenedDatabase, openDatabase } from "./open-database";
export * as schema from "./schema";
