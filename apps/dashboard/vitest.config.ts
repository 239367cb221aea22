import solid from "vite-plugin-solid";
import { defineProject } from "vitest/config";

/** Solid compiles JSX for the browser build, run in happy-dom (no server rendering in these tests). */
export default defineProject({
  plugins: [solid()],
  test: { name: "dashboard", environment: "happy-dom", include: ["src/**/*.test.{ts,tsx}"] },
});
