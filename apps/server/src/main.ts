import { runCommand } from "./cli/commands";
import { loadConfig } from "./config";
import { logServerFault } from "./log";

try {
  await runCommand(loadConfig(), process.argv.slice(2));
} catch (error) {
  logServerFault("fatal", error);
  process.exit(1);
}
