import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { REST_PREFIX } from "@relaypost/api";
import type { Hono } from "hono";

export const API_DOCS_PATH = "/api/docs";

const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

/** The page loads only files of its own origin, and no inline script: the dashboard's CSP holds for it too. */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>RelayPost API</title>
<link rel="stylesheet" href="${API_DOCS_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${API_DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${API_DOCS_PATH}/init.js"></script>
</body>
</html>
`;

const INIT = `SwaggerUIBundle({ url: "${REST_PREFIX}/openapi.json", dom_id: "#swagger-ui", deepLinking: true });\n`;

/** Read once, on first request: most servers never serve them. */
const lazyFile = (name: string) => {
  let content: string | undefined;
  return () => {
    content ??= readFileSync(join(SWAGGER_UI_DIR, name), "utf8");
    return content;
  };
};

/** Interactive documentation of the REST API (Swagger UI, served from its package, no CDN). */
export function mountApiDocs(app: Hono): void {
  const bundle = lazyFile("swagger-ui-bundle.js");
  const css = lazyFile("swagger-ui.css");
  app.get(API_DOCS_PATH, (c) => c.html(PAGE));
  app.get(`${API_DOCS_PATH}/init.js`, (c) => c.body(INIT, 200, { "content-type": "text/javascript; charset=utf-8" }));
  app.get(`${API_DOCS_PATH}/swagger-ui-bundle.js`, (c) =>
    c.body(bundle(), 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=86400",
    }),
  );
  app.get(`${API_DOCS_PATH}/swagger-ui.css`, (c) =>
    c.body(css(), 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=86400" }),
  );
}
