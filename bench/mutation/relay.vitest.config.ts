import { defineConfig } from "vitest/config";
import { repo, sandboxCore } from "./vitest.config.ts";

/**
 * The tests of delivery, for relay.stryker.config.mjs. The SMTP and API tests import `@relaypost/core`, which
 * `sandboxCore` points at the sandbox's (mutated) copy.
 */
const project = (name: string, include: string[]) => ({
  extends: true as const,
  test: { name, root: `${repo}packages/${name}`, include },
});

export default defineConfig({
  resolve: sandboxCore,
  test: {
    testTimeout: 600_000,
    hookTimeout: 600_000,
    projects: [
      project("core", ["src/relay/*.test.ts"]),
      project("smtp", ["src/relay.test.ts", "src/organization-upstream.test.ts"]),
      project("api", ["src/router/messages.test.ts"]),
    ],
  },
});
