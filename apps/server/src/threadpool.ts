import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";

/**
 * libuv's thread pool runs argon2 (through @node-rs/argon2) as well as file, DNS (getaddrinfo) and crypto work.
 * Core has two argon2 gates, SMTP logins and account/API work, each letting one computation per core run at once,
 * so the pool gets twice that many threads plus libuv's default four: a storm of either class fills only its own
 * share, and file reads, DNS and TLS key work keep their own four threads.
 */
export const threadpoolSize = () => 2 * availableParallelism() + 4;

/**
 * libuv reads UV_THREADPOOL_SIZE once, when the pool first starts, and a TypeScript loader's own file reads start it
 * before any of our code runs; so the variable must be in the environment the process started with. When it is not,
 * this runs the same command again as a child with it set, forwards termination signals (so SIGTERM still drains
 * gracefully) and ends with the child's exit code. Returns false when the current process should carry on. The
 * built server's entry (dist/main.cjs, ./production-entry.ts) sets the variable before the pool starts, so under
 * plain node this never relaunches.
 */
export async function relaunchWithSizedThreadpool(): Promise<boolean> {
  if (process.env.UV_THREADPOOL_SIZE) return false;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, UV_THREADPOOL_SIZE: String(threadpoolSize()) },
  });
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
  const code = await new Promise<number>((resolve) =>
    child.on("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1))),
  );
  process.exitCode = code;
  return true;
}
