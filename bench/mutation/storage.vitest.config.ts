import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** The core tests of message storage, for storage.stryker.config.mjs. */
const repo = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  test: {
    testTimeout: 600_000,
    hookTimeout: 600_000,
    root: `${repo}packages/core`,
    include: ["src/group-commit.test.ts", "src/smtp-submission/*.test.ts"],
  },
});
