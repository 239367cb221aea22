// @ts-check
/**
 * Mutation testing of delivery (`packages/core/src/relay`) with the tests that cover it: the core relay tests, the
 * SMTP package's relay and per-organization upstream tests (real SMTP into RelayPost and out to a sink) and the
 * API's message log tests. Run:
 * TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx stryker run bench/mutation/relay.stryker.config.mjs
 */
import base, { SLICES } from "./stryker.config.mjs";
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: "bench/mutation/relay.vitest.config.ts" },
  mutate: [...SLICES.relay, "!**/*.test.ts"],
  incremental: false,
  reporters: ["clear-text", "progress-append-only", "json"],
  jsonReporter: { fileName: "reports/mutation/relay/report.json" },
};
