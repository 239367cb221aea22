import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The core and API suites for Stryker (`pnpm mutation`). Stryker copies the repository into a sandbox and links
 * each package's node_modules back to the original tree, so `@relaypost/core` would resolve to the unmutated
 * source there: the alias keeps the API tests on the sandbox's (mutated) core.
 */
export const repo = fileURLToPath(new URL("../..", import.meta.url));

export const sandboxCore = {
  alias: [{ find: /^@relaypost\/core$/, replacement: `${repo}packages/core/src/index.ts` }],
};

export default defineConfig({
  resolve: sandboxCore,
  test: {
    // One runner on a shared machine: the authorization matrix alone can take minutes.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    projects: ["core", "api"].map((name) => ({
      extends: true,
      test: { name, root: `${repo}packages/${name}`, include: ["src/**/*.test.ts"] },
    })),
  },
});
