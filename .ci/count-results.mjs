// Totals the test results that `pnpm test` left in each run's results folder (vitest's and Playwright's JSON
// reporters) and prints the one closing line CI is read by: "N passed, N failed".
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

let passed = 0;
let failed = 0;
// Folders after --unit-only hold a vitest run alone (the release directory's), with no end-to-end results.
const args = process.argv.slice(2);
const unitOnlyFrom = args.includes("--unit-only") ? args.indexOf("--unit-only") : args.length;
for (const [index, dir] of args.entries()) {
  if (index === unitOnlyFrom) continue;
  const vitest = join(dir, "vitest.json");
  if (existsSync(vitest)) {
    const report = JSON.parse(readFileSync(vitest, "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests + (report.numRuntimeErrors ?? 0);
    if (report.numTotalTests === 0) failed += 1;
  } else {
    console.error(`missing ${vitest}: the unit and integration tests did not report`);
    failed += 1;
  }
  if (index > unitOnlyFrom) continue;
  const e2e = join(dir, "e2e.json");
  if (existsSync(e2e)) {
    const { stats } = JSON.parse(readFileSync(e2e, "utf8"));
    passed += stats.expected + stats.flaky;
    failed += stats.unexpected;
  } else {
    console.error(`missing ${e2e}: the end-to-end tests did not report`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
