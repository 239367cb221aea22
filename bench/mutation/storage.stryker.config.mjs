// @ts-check
/**
 * Mutation testing of message storage alone (segmented bodies, the batched intake, group commit) with the core
 * tests that cover it: minutes instead of the full slice's dry run of every core and API suite. Run:
 * TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx stryker run bench/mutation/storage.stryker.config.mjs
 */
import base from "./stryker.config.mjs";
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: "bench/mutation/storage.vitest.config.ts" },
  mutate: [
    "packages/core/src/group-commit.ts",
    "packages/core/src/smtp-submission/message-body.ts",
    "packages/core/src/smtp-submission/store-messages.ts",
  ],
  incremental: false,
  reporters: ["clear-text", "progress-append-only", "json"],
  jsonReporter: { fileName: "reports/mutation/storage/report.json" },
};
