import { relaunchWithSizedThreadpool } from "./threadpool";

// Imported only once the thread pool is sized, so the relaunching parent never loads the application.
if (!(await relaunchWithSizedThreadpool())) {
  const { runCommand } = await import("./cli/commands");
  const { loadConfig } = await import("./config");
  const { describeFault, startupLog } = await import("./log");
  try {
    await runCommand(loadConfig(), process.argv.slice(2));
  } catch (error) {
    startupLog().fatal({ fault: describeFault(error) }, describeFault(error).message);
    process.exit(1);
  }
}
