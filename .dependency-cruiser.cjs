/**
 * The layering of docs/architecture.md, checked by `pnpm check:imports` in CI: transports (apps/server, packages/api,
 * packages/smtp) call packages/core, core calls packages/db, nothing points back, and the dashboard and
 * @relaypost/client see only the API's types; what every side must agree on at run time is in @relaypost/contract,
 * which imports no other workspace package. Tests and their helpers may reach further (a transport's test builds
 * its own database), so they are exempt.
 */
const TEST_CODE = ["\\.test\\.tsx?$", "test-support\\.ts$", "/testing\\.ts$", "/testing/"];
const TRANSPORTS = "^(apps/server|packages/api|packages/smtp)/";
const CONTRACT_CLIENTS = "^(apps/dashboard|packages/client)/";

/**
 * A workspace target by its source path, or by its package name when the import did not resolve (the importer does
 * not declare the package): either way the import is seen.
 */
const target = (directories, names) => `^(${directories}/|@relaypost/(${names})(/|$))`;
const DB = target("packages/db", "db");
const APPS = target("apps", "server|dashboard");
const WORKSPACE = target("(apps|packages)", "[a-z-]+");

module.exports = {
  forbidden: [
    {
      name: "transports-not-db",
      comment: "apps/server, packages/api and packages/smtp go through packages/core, never to packages/db.",
      severity: "error",
      from: { path: TRANSPORTS, pathNot: TEST_CODE },
      to: { path: DB },
    },
    {
      name: "core-not-transports",
      comment: "packages/core knows no transport or client.",
      severity: "error",
      from: { path: "^packages/core/", pathNot: TEST_CODE },
      to: { path: [APPS, target("packages/(api|smtp|client)", "api|smtp|client")] },
    },
    {
      name: "contract-imports-no-workspace-package",
      comment: "@relaypost/contract is bundled into the dashboard and the client: it stands alone.",
      severity: "error",
      from: { path: "^packages/contract/" },
      to: { path: WORKSPACE, pathNot: target("packages/contract", "contract") },
    },
    {
      name: "db-imports-no-workspace-package",
      comment: "packages/db is the bottom layer.",
      severity: "error",
      from: { path: "^packages/db/", pathNot: TEST_CODE },
      to: { path: WORKSPACE, pathNot: DB },
    },
    {
      name: "nothing-imports-apps",
      comment: "Applications are leaves: no package imports one.",
      severity: "error",
      from: { path: "^packages/", pathNot: TEST_CODE },
      to: { path: APPS },
    },
    {
      name: "apps-import-no-other-app",
      comment: "Applications are leaves: no application imports another.",
      severity: "error",
      from: { path: "^apps/([^/]+)/", pathNot: TEST_CODE },
      to: { path: APPS, pathNot: "^apps/$1/" },
    },
    {
      name: "contract-clients-import-api-types-only",
      comment: "The dashboard and @relaypost/client use `import type` from @relaypost/api: no server code at run time.",
      severity: "error",
      from: { path: CONTRACT_CLIENTS, pathNot: TEST_CODE },
      to: {
        path: target("packages/api", "api"),
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "contract-clients-not-core-db",
      comment: "The dashboard and @relaypost/client import nothing from core, db, smtp or the server.",
      severity: "error",
      from: { path: CONTRACT_CLIENTS, pathNot: TEST_CODE },
      to: { path: target("(packages/(core|db|smtp)|apps/server)", "core|db|smtp|server") },
    },
    {
      name: "workspace-imports-resolve",
      comment: "A workspace package is imported only by packages that declare it, so every rule above sees its path.",
      severity: "error",
      from: {},
      to: { path: "^@relaypost/", couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Examples are consumers of the built client, outside the layers (and its dist/ is not built when this runs).
    exclude: { path: "(^|/)(node_modules|dist)/|^packages/client/examples/" },
    // `import type` is kept, so the contract rule can tell type-only imports from runtime ones.
    tsPreCompilationDeps: true,
    // Workspace packages resolve through their package.json `exports` to the source files.
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "types", "default"],
      extensions: [".ts", ".tsx", ".js", ".mjs"],
    },
  },
};
