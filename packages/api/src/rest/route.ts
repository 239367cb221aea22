import { IDEMPOTENCY_KEY_HEADER, idempotencyKeySchema } from "@relaypost/contract";
import { z } from "zod";

type Method = "GET" | "POST" | "PATCH" | "DELETE";

/** The header an idempotent create reads, as the OpenAPI document shows it. */
const idempotencyHeaders = z.object({
  [IDEMPOTENCY_KEY_HEADER]: idempotencyKeySchema.optional().meta({
    description:
      "Names this create (1–255 printable ASCII characters, e.g. a UUID): a retry with the same key and body within " +
      "an hour gets the first answer again, secret included, instead of creating again. See docs/api.md, Idempotency.",
  }),
});

/**
 * A procedure's REST route: served at `method path` under /api/v1 as well as over tRPC, listed under `tag` in the
 * OpenAPI document. `const rest = restRoute("Credentials")`, then `.meta(rest("GET", "/credentials", "…"))`;
 * `{ idempotent: true }` documents the Idempotency-Key header of a create (idempotentCreateProcedure).
 */
export const restRoute =
  (tag: string) =>
  (method: Method, path: `/${string}`, summary: string, options: { idempotent?: boolean } = {}) => ({
    openapi: {
      method,
      path,
      summary,
      tags: [tag],
      ...(options.idempotent ? { requestHeaders: idempotencyHeaders } : {}),
    },
  });
