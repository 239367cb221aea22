import { timingSafeEqual } from "node:crypto";
import type { Hono } from "hono";
import type { Registry } from "prom-client";

const bearer = (header: string | undefined) => header?.match(/^Bearer (.+)$/)?.[1];

/** A token compared in constant time, so the answer's timing says nothing of how much of a guess was right. */
function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `/metrics` in Prometheus's text format (docs/operations.md lists each metric). With a token configured
 * (METRICS_TOKEN), a scrape without `Authorization: Bearer <token>` is answered 401.
 */
export function mountMetrics(app: Hono, { registry, token }: { registry: Registry; token?: string | undefined }): void {
  app.get("/metrics", async (c) => {
    if (token !== undefined && !sameToken(bearer(c.req.header("authorization")), token)) {
      return c.text("Unauthorized", 401, { "WWW-Authenticate": 'Bearer realm="metrics"' });
    }
    return c.body(await registry.metrics(), 200, { "Content-Type": registry.contentType });
  });
}
