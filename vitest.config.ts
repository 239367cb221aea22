import { defineConfig } from "vitest/config";

const workspaces = ["packages/db", "packages/core", "packages/api", "packages/smtp", "packages/client", "apps/server"];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: workspaces.map((root) => ({
      extends: true,
      test: { name: root.split("/")[1], root, include: ["src/**/*.test.ts"] },
    })),
  },
});
