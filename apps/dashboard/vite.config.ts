import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

/** `pnpm dev` proxies the API to a server started with `pnpm start` (PORT 3000), WebSocket included. */
export default defineConfig({
  plugins: [solid()],
  server: { proxy: { "/trpc": { target: "http://127.0.0.1:3000", ws: true } } },
  build: { target: "es2022", sourcemap: false },
});
