// The process that composes a runtime opens its database through core, so no transport imports the db package.
export {
  type DatabaseHandle,
  type DatabaseLocation,
  DataDirInUseError,
  type OpenedDatabase,
  openDatabase,
} from "@relaypost/db";
