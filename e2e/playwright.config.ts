import { join } from "node:path";
import { defineConfig, devices } from "@playwright/test";

/** CI collects machine-readable results from every run into this folder. */
const resultsFile = join(
  process.env.RELAYPOST_RESULTS_DIR ?? "test-results",
  process.env.RELAYPOST_RESULTS_DIR ? "e2e.json" : "results.json",
);

/**
 * Real Chromium (Debian's, since browsers cannot be downloaded here) against the real server started by
 * global-setup.ts through `pnpm start`. The setup exports E2E_BASE_URL before workers load this file again.
 */
export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results/artifacts",
  globalSetup: "./global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // One server and one loopback address: serial tests keep SMTP failure throttling out of each other's way.
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: [
    ["list"],
    ["json", { outputFile: resultsFile }],
    ["html", { open: "never", outputFolder: "playwright-report" }],
  ],
  use: {
    ...devices["Desktop Chrome"],
    baseURL: process.env.E2E_BASE_URL,
    viewport: { width: 1440, height: 900 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    },
  },
});
