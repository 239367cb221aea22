// @ts-check
/**
 * Mutation testing of packages/core and packages/api (`pnpm mutation`, a bench command, not CI); the score and the
 * surviving mutants are in docs/testing.md. Narrow a run with `pnpm mutation --mutate <glob>`.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  vitest: { configFile: "bench/mutation/vitest.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: [
    "packages/{core,api}/src/**/*.ts",
    "!**/*.test.ts",
    "!**/*.test-support.ts",
    "!**/test-support.ts",
    "!**/testing.ts",
  ],
  // The sandbox needs the packages the suites load; the dashboard, apps, e2e and benches only cost copying time.
  ignorePatterns: ["/apps", "/e2e", "/docs", "/bench/*", "!/bench/mutation", "/.ci-results"],
  coverageAnalysis: "perTest",
  // A mutant reached only while a module loads or in a beforeAll (the harnesses build the runtime, organizations
  // and users there) is "static": it would rerun the whole suite, about 80 s each. It is reported as ignored.
  ignoreStatic: true,
  concurrency: 1,
  incremental: true,
  incrementalFile: "reports/mutation/stryker-incremental.json",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/report.json" },
  tempDirName: "reports/mutation/tmp",
  cleanTempDir: "always",
  timeoutMS: 30_000,
  thresholds: { high: 90, low: 80, break: null },
};
