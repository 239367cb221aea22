import { availableParallelism } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

const workspaces = [
  "packages/contract",
  "packages/db",
  "packages/core",
  "packages/api",
  "packages/smtp",
  "packages/client",
  "apps/server",
];

/** CI sets this to collect machine-readable results beside the usual output. */
const resultsDir = process.env.RELAYPOST_RESULTS_DIR;

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // Vitest's default leaves a core to itself, which on two cores is one file at a time; the files mostly wait on
    // databases, sockets and child processes, so two at once keep both cores busy (docs/testing.md).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    hookTimeout: 120_000,
    reporters: resultsDir ? ["default", ["json", { outputFile: join(resultsDir, "vitest.json") }]] : ["default"],
    projects: [
      ...workspaces.map((root) => ({
        extends: true,
        test: { name: root.split("/")[1], root, include: ["src/**/*.test.ts"] },
      })),
      // Its own file: Solid's compiler and a DOM come from the dashboard's dependencies.
      "apps/dashboard/vitest.config.ts",
    ],
  },
});
