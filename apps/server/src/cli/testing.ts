import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../main.ts", import.meta.url));
const tsx = fileURLToPath(new URL("../../node_modules/tsx/dist/cli.mjs", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `relaypost <args>` as its own process, as an operator does, with `input` as its whole standard input. The
 * thread-pool size is given so the CLI does not relaunch itself (threadpool.ts): one process, started faster.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv, input = ""): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [tsx, main, ...args],
      { env: { UV_THREADPOOL_SIZE: "4", ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

/**
 * `relaypost serve` as its own process: node itself with tsx's loader, not tsx's command, which would run the server
 * as a child of its own that a SIGKILL of the process the test holds leaves running. The test gives the thread-pool
 * size, so the server does not relaunch itself either.
 */
export const serveCommand = { command: process.execPath, args: ["--import", "tsx", main, "serve"] };
