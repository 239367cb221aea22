import { generateOpenApiDocument, type OpenAPIObject } from "trpc-to-openapi";
import { appRouter } from "../root";
import { PROBLEM_CONTENT_TYPE, problemSchema } from "./problem";

/** Where the REST API is served; every procedure's `openapi.path` is under it. */
export const REST_PREFIX = "/api/v1";

const PROBLEM_REF = { $ref: "#/components/schemas/Problem" };

/** Answers other than success are problems (problem.ts), whatever shape the generator gave them. */
function describeErrorsAsProblems(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of [item.get, item.post, item.patch, item.put, item.delete]) {
      const responses = operation?.responses ?? {};
      for (const [status, response] of Object.entries(responses)) {
        if (status.startsWith("2") || "$ref" in response) continue;
        responses[status] = {
          description: response.description,
          content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } },
        };
      }
    }
  }
  const problem = { content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } } };
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of [item.get, item.post, item.patch, item.put, item.delete]) {
      // Any other refusal (404 of a POST, 409, 413, 429, …) is a problem too.
      if (operation?.responses) operation.responses.default = { description: "A problem", ...problem };
    }
  }
  const schemas = document.components?.schemas ?? {};
  for (const name of Object.keys(schemas)) if (name.startsWith("error.")) delete schemas[name];
}

let cached: OpenAPIObject | undefined;

/** The OpenAPI 3.1 document of every procedure with `openapi` meta, generated from their zod schemas. */
export function openApiDocument(): OpenAPIObject {
  if (cached) return cached;
  const document = generateOpenApiDocument(appRouter, {
    title: "RelayPost API",
    description:
      "SMTP credentials, their messages and audit log, over plain JSON. Authenticate with an API key as a bearer " +
      "token; errors are RFC 9457 problems (application/problem+json).",
    version: "1",
    baseUrl: REST_PREFIX,
    securitySchemes: {
      apiKey: {
        type: "http",
        scheme: "bearer",
        description: "An API key (rp_…), created in the dashboard under API keys or with POST /api-keys",
      },
    },
    defs: { Problem: problemSchema },
  });
  describeErrorsAsProblems(document);
  cached = document;
  return document;
}
