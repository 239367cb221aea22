import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { procedurePaths } from "../procedures.test-support";
import { appRouter } from "../root";
import { openApiDocument } from "./document";
import { restRouteOf } from "./rest-client.test-support";

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    // A copy: the validator may annotate what it reads.
    const copy: Record<string, unknown> = { ...structuredClone(openApiDocument()) };
    const result = await validator.validate(copy);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("describes every procedure REST serves, and those only, with its bearer-key security", () => {
    const document = openApiDocument();
    const documented = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = procedurePaths()
      .map(restRouteOf)
      .flatMap((route) => (route ? [`${route.method} ${route.path}`] : []));
    expect(documented.sort()).toEqual(served.sort());
    expect(document.components?.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: "http", scheme: "bearer" }),
    });
  });

  it("says every refusal is an application/problem+json problem", () => {
    for (const item of Object.values(openApiDocument().paths ?? {})) {
      for (const operation of Object.values(item)) {
        const responses = Object.entries((operation as { responses: Record<string, { content?: object }> }).responses);
        for (const [status, response] of responses) {
          if (status.startsWith("2")) continue;
          expect(Object.keys(response.content ?? {})).toEqual(["application/problem+json"]);
        }
      }
    }
  });
});

describe("the OpenAPI document, generated once", () => {
  it("is the same object on every call", () => {
    expect(openApiDocument()).toBe(openApiDocument());
  });
});

/** The fields trpc-to-openapi's coercion reaches: an object's fields through optional, nullable, default and arrays. */
function coercedKinds(schema: unknown, at: string): string[] {
  let inner = schema;
  while (
    inner instanceof z.ZodOptional ||
    inner instanceof z.ZodNullable ||
    inner instanceof z.ZodDefault ||
    inner instanceof z.ZodArray
  ) {
    inner = inner instanceof z.ZodArray ? inner.element : inner.unwrap();
  }
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape).flatMap(([key, field]) => coercedKinds(field, `${at}.${key}`));
  }
  return inner instanceof z.ZodBoolean ? [at] : [];
}

describe("the coercion trpc-to-openapi applies to the schemas it serves", () => {
  it('meets no boolean, which it would read wrong (any non-empty string, even "false", is true)', () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { inputs: unknown[] } }>;
    const booleans = procedurePaths()
      .filter((path) => restRouteOf(path))
      .flatMap((path) => (procedures[path]?._def.inputs ?? []).flatMap((input) => coercedKinds(input, path)));
    expect(booleans).toEqual([]);
  });
});
