// Builds the production server into dist/: one ESM bundle (main.js) with the workspace packages (@relaypost/*)
// compiled in, a CommonJS entry (main.cjs) that sizes libuv's thread pool before loading it, and the files the bundle
// reads at run time (migrations, the dashboard, PGlite's worker). Third-party packages stay external, resolved from
// node_modules, so each must be one of this package's own dependencies (checked below): only those are linked where
// dist/ can see them, in the repository and in a `pnpm deploy --prod` directory alike.
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { build } from "esbuild";

const root = new URL("../../", import.meta.url);
const dist = new URL("dist/", import.meta.url);
const { dependencies } = JSON.parse(readFileSync(new URL("package.json", import.meta.url), "utf8"));

/**
 * Paths written relative to a source file's own place in the repository; in the bundle every module lives at
 * dist/main.js, so each is pointed at the copy made below. A missing one fails the build rather than the server.
 */
const relocations = [
  {
    file: "packages/db/src/client.ts",
    from: `new URL("../../../drizzle", import.meta.url)`,
    to: `new URL("./drizzle", import.meta.url)`,
  },
  {
    file: "apps/server/src/server.ts",
    from: `new URL("../../dashboard/dist", import.meta.url)`,
    to: `new URL("./dashboard", import.meta.url)`,
  },
];

const packageName = (specifier) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/** Filled while bundling, checked after: a plugin's own errors do not fail esbuild's build(). */
const missing = new Set();
const pending = new Set(relocations.map(({ file }) => file));

const externals = {
  name: "externals",
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, ({ path }) => {
      if (path.startsWith("@relaypost/")) return undefined;
      if (path.startsWith("node:") || builtinModules.includes(path)) return { path, external: true };
      if (!dependencies[packageName(path)]) missing.add(packageName(path));
      return { path, external: true };
    });
    esbuild.onLoad({ filter: /\.ts$/ }, ({ path }) => {
      const relocation = relocations.find(({ file }) => path.endsWith(file));
      if (!relocation) return undefined;
      const source = readFileSync(path, "utf8");
      if (!source.includes(relocation.from))
        throw new Error(`${relocation.file} no longer contains ${relocation.from}`);
      pending.delete(relocation.file);
      return { contents: source.replace(relocation.from, relocation.to), loader: "ts" };
    });
  },
};

const dashboard = new URL("apps/dashboard/dist/", root);
if (!existsSync(new URL("index.html", dashboard))) {
  throw new Error("apps/dashboard/dist is missing: build @relaypost/dashboard first (turbo does, for `pnpm build`)");
}

rmSync(dist, { recursive: true, force: true });
const common = { bundle: true, platform: "node", target: "node20.19", logLevel: "warning", legalComments: "none" };
await build({
  ...common,
  entryPoints: { main: "src/main.ts" },
  format: "esm",
  outExtension: { ".js": ".js" },
  outdir: "dist",
  plugins: [externals],
});
if (missing.size > 0) {
  throw new Error(`Imported at run time but not dependencies of @relaypost/server: ${[...missing].join(", ")}`);
}
if (pending.size > 0) throw new Error(`Not bundled, so their relocations are stale: ${[...pending].join(", ")}`);
await build({
  ...common,
  entryPoints: { main: "src/production-entry.ts" },
  format: "cjs",
  outExtension: { ".js": ".cjs" },
  outdir: "dist",
  external: ["./main.js"],
});
cpSync(new URL("drizzle/", root), new URL("drizzle/", dist), { recursive: true });
cpSync(dashboard, new URL("dashboard/", dist), { recursive: true });
for (const file of ["worker.mjs", "initialize.mjs", "statement-runner.mjs"]) {
  cpSync(new URL(`packages/db/src/pglite/${file}`, root), new URL(file, dist));
}
