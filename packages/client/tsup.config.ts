import { defineConfig } from "tsup";

// The declarations are bundled into one file: the router's types are inlined from the workspace packages
// (resolved from source through tsconfig.build.json's paths), so a consumer needs only this package and tRPC.
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  tsconfig: "tsconfig.build.json",
  dts: { resolve: [/^@relaypost\//] },
  clean: true,
});
