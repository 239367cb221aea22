// @ts-check
/**
 * Mutation testing of packages/core and packages/api (`pnpm mutation`, a bench command, not CI); the score and the
 * surviving mutants are in docs/testing.md. `MUTATION_SLICE=<name> pnpm mutation` runs one slice of SLICES with
 * its own report directory, so a long run can be taken in parts that each keep their result; `pnpm mutation:score`
 * adds up the reports. Which tests a slice runs is in vitest.config.ts.
 */
const core = (dirs) => dirs.map((dir) => `packages/core/src/${dir}/**/*.ts`);

const smtpAuth = (files) => files.map((file) => `packages/core/src/smtp-auth/${file}.ts`);

/** In the order they matter most: the SMTP login path first. */
export const SLICES = {
  "smtp-login": smtpAuth(["login", "grant", "login-throttle", "verification-cache"]),
  "smtp-verifier": smtpAuth(["verifier"]),
  "smtp-batching": smtpAuth(["lookup-batcher", "last-used-recorder"]),
  throttle: core(["throttle"]),
  "smtp-credentials": core(["smtp-credentials"]),
  identity: core(["identity"]),
  events: core(["events"]),
  "smtp-submission": core(["smtp-submission"]),
  restrictions: core(["restrictions"]),
  relay: core(["relay"]),
  webhooks: [...core(["webhooks", "idempotency"]), "packages/core/src/work-loop.ts"],
  // The rest of core: shared helpers and the audit log, then the composition root. `work-loop.ts` is in webhooks.
  "core-util": [
    ...["hashing", "secret-box", "names", "keyset-cursor", "random", "tokens", "errors", "db-errors", "like", "actor"]
      .concat("group-commit")
      .map((file) => `packages/core/src/${file}.ts`),
    ...core(["audit"]),
  ],
  "core-runtime": ["core", "runtime", "services", "runtime-log", "telemetry", "log", "index"].map(
    (file) => `packages/core/src/${file}.ts`,
  ),
  // packages/api in three parts, each with the tests that reach it.
  "api-rest": ["packages/api/src/rest/**/*.ts"],
  "api-router": ["packages/api/src/router/**/*.ts"],
  "api-base": ["packages/api/src/*.ts"],
};

const NOT_PRODUCTION = ["!**/*.test.ts", "!**/*.test-support.ts", "!**/test-support.ts", "!**/testing.ts"];
const slice = process.env.MUTATION_SLICE;
if (slice !== undefined && !(slice in SLICES)) throw new Error(`MUTATION_SLICE must be one of ${Object.keys(SLICES)}`);
const reports = `reports/mutation/${slice ?? "all"}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "bench/mutation/vitest.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: [...(slice ? SLICES[slice] : ["packages/{core,api}/src/**/*.ts"]), ...NOT_PRODUCTION],
  // The sandbox needs the packages the suites load; the dashboard, apps, e2e and benches only cost copying time.
  ignorePatterns: ["/apps", "/e2e", "/docs", "/bench/*", "!/bench/mutation", "/.ci-results", "/reports"],
  coverageAnalysis: "perTest",
  // A mutant reached only while a module loads or in a beforeAll (the harnesses build the runtime, organizations
  // and users there) is "static": it would rerun the whole suite, about 80 s each. It is reported as ignored.
  ignoreStatic: true,
  // Two cores shared with other work: one test runner.
  concurrency: 1,
  incremental: true,
  incrementalFile: `${reports}/incremental.json`,
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: `${reports}/index.html` },
  jsonReporter: { fileName: `${reports}/report.json` },
  // One sandbox directory per slice, so that two slices can run at once.
  tempDirName: `${reports}/tmp`,
  cleanTempDir: "always",
  // Added to a mutant's expected time before it counts as hanging; a hang also costs a test-runner restart.
  timeoutMS: 10_000,
  // The first run of the core and API suites, which everything else waits for: minutes on a busy machine.
  dryRunTimeoutMinutes: 30,
  thresholds: { high: 90, low: 80, break: null },
};
