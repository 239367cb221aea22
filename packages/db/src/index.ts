export * from "./client";
export { DataDirInUseError } from "./data-dir-lock";
export { type DatabaseLocation, type OpenedDatabase, openDatabase } from "./open-database";
export * as schema from "./schema";
