type Method = "GET" | "POST" | "PATCH" | "DELETE";

/**
 * A procedure's REST route: served at `method path` under /api/v1 as well as over tRPC, listed under `tag` in the
 * OpenAPI document. `const rest = restRoute("Credentials")`, then `.meta(rest("GET", "/credentials", "…"))`.
 */
export const restRoute = (tag: string) => (method: Method, path: `/${string}`, summary: string) => ({
  openapi: { method, path, summary, tags: [tag] },
});
