import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The suites Stryker runs (`pnpm mutation`). Stryker copies the repository into a sandbox and links each package's
 * node_modules back to the original tree, so `@relaypost/core` would resolve to the unmutated source there: the
 * alias keeps the SMTP and API tests on the sandbox's (mutated) core.
 */
const repo = fileURLToPath(new URL("../..", import.meta.url));

type Suites = Partial<Record<"core" | "smtp" | "api", string[]>>;

const EVERY_CORE_AND_API_TEST: Suites = { core: ["src/**/*.test.ts"], api: ["src/**/*.test.ts"] };

/**
 * A slice (MUTATION_SLICE, see stryker.config.mjs) named here runs only the tests that exercise its files instead
 * of every core and API test: its dry run takes seconds, not minutes, and a mutant reached by the authorization
 * matrix no longer runs it. A mutant only a test outside the list would kill counts as survived, so the score of
 * such a slice is a lower bound.
 */
const SMTP_LOGIN: Suites = {
  core: ["src/smtp-auth/*.test.ts"],
  smtp: ["src/{lifecycle,throttling,restrictions,revocation,outage}.test.ts"],
};

const FOCUSED: Record<string, Suites> = {
  "smtp-login": SMTP_LOGIN,
  "smtp-verifier": SMTP_LOGIN,
  "smtp-credentials": {
    core: ["src/smtp-credentials/*.test.ts"],
    smtp: ["src/{lifecycle,restrictions}.test.ts"],
    api: ["src/router/smtp-credential*.test.ts", "src/rest/rest.test.ts"],
  },
  identity: {
    core: ["src/identity/*.test.ts"],
    api: [
      "src/tenancy.test.ts",
      ...["account", "auth", "invitations", "registration", "sign-in-throttle"].map((n) => `src/router/${n}.test.ts`),
    ],
  },
  events: {
    core: ["src/events/*.test.ts", "src/runtime.test.ts", "src/smtp-auth/login.test.ts"],
    smtp: ["src/lifecycle.test.ts", "src/refusal-flood.test.ts", "src/revocation.test.ts"],
    api: ["src/router/smtp-credentials.test.ts"],
  },
  "smtp-submission": {
    core: ["src/smtp-submission/*.test.ts", "src/group-commit.test.ts"],
    smtp: ["src/protocol.test.ts", "src/restrictions.test.ts", "src/relay.test.ts"],
  },
  webhooks: {
    core: ["src/webhooks/*.test.ts", "src/idempotency/*.test.ts", "src/work-loop.test.ts"],
    api: ["src/rest/idempotency.test.ts", "src/tenancy.test.ts", "src/hostile-input.test.ts"],
  },
  "core-util": {
    core: [
      "src/{hashing,secret-box,names,group-commit,keyset-cursor,db-errors,random}.test.ts",
      "src/audit/*.test.ts",
      "src/identity/*.test.ts",
      "src/smtp-credentials/*.test.ts",
    ],
    api: ["src/router/audit-log.test.ts"],
  },
  "core-runtime": {
    core: ["src/{core,runtime,runtime-log}.test.ts", "src/smtp-auth/login.test.ts", "src/events/*.test.ts"],
    smtp: ["src/lifecycle.test.ts"],
  },
  "api-rest": { api: ["src/rest/*.test.ts", "src/{hostile-input,input-errors}.test.ts"] },
  "api-router": { api: ["src/router/*.test.ts", "src/{tenancy,secrets}.test.ts"] },
  // The authorization matrix is what proves the middleware: it runs here and nowhere else.
  "api-base": { api: ["src/*.test.ts", "src/router/{auth,smtp-credentials}.test.ts"] },
  relay: {
    core: ["src/relay/*.test.ts"],
    smtp: ["src/relay.test.ts", "src/organization-upstream.test.ts"],
    api: ["src/router/messages.test.ts"],
  },
};

const slice = process.env.MUTATION_SLICE;
const suites = (slice !== undefined && FOCUSED[slice]) || EVERY_CORE_AND_API_TEST;

export default defineConfig({
  resolve: { alias: [{ find: /^@relaypost\/core$/, replacement: `${repo}packages/core/src/index.ts` }] },
  test: {
    // One runner on a shared machine: the authorization matrix alone can take minutes.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    projects: Object.entries(suites).map(([name, include]) => ({
      extends: true,
      test: { name, root: `${repo}packages/${name}`, include },
    })),
  },
});
