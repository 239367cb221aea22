import type { Core } from "@relaypost/core";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { expect } from "vitest";
import { appRouter } from "../root";
import type { Caller } from "../testing";
import { openApiDocument, REST_PREFIX } from "./document";
import { createRestHandler } from "./handler";

type Meta = { openapi?: { method: string; path: string } };
const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta } }>;

/** The route a procedure is served at over REST, if it is. */
export const restRouteOf = (path: string) => procedures[path]?._def.meta?.openapi;

const document = openApiDocument();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(document, "openapi");

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

/** The document's template for a concrete path, e.g. /credentials/{id} for /credentials/5f…. */
function templateOf(pathname: string): string {
  const template = Object.keys(document.paths ?? {}).find((candidate) =>
    new RegExp(`^${candidate.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(pathname),
  );
  if (!template) throw new Error(`No route in the OpenAPI document matches ${pathname}`);
  return template;
}

/**
 * Asserts an answer is what the document promises for its route and status (or its `default`): the content type and
 * the body's JSON schema.
 */
export function expectDocumented(method: string, pathname: string, status: number, contentType: string, body: unknown) {
  const template = templateOf(pathname);
  const operation = document.paths?.[template]?.[method.toLowerCase() as "get"];
  const responses = operation?.responses ?? {};
  const key = String(status) in responses ? String(status) : "default";
  const [mediaType] = Object.keys(responses[key]?.content ?? {});
  expect(mediaType, `${method} ${template} ${status} is documented`).toBeDefined();
  expect(contentType.split(";")[0]).toBe(mediaType);
  const ref = `openapi#/${pointer("paths", template, method.toLowerCase(), "responses", key, "content", mediaType ?? "", "schema")}`;
  const validate = ajv.compile({ $ref: ref });
  expect(validate(body) ? [] : validate.errors, `${method} ${pathname} ${status} matches its schema`).toEqual([]);
}

export interface RestAnswer {
  status: number;
  contentType: string;
  body: unknown;
}

export type RestFetch = (
  method: string,
  path: string,
  options?: { headers?: Record<string, string>; body?: unknown },
) => Promise<RestAnswer>;

/** Calls the REST handler as a client would, and checks every answer against the document. */
export function restFetcher(core: Core): RestFetch {
  const handle = createRestHandler({ core });
  return async (method, path, { headers = {}, body } = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    }
    const response = await handle(new Request(`http://relaypost.test${REST_PREFIX}${path}`, init), {
      remoteAddress: "203.0.113.7",
    });
    const contentType = response.headers.get("content-type") ?? "";
    const answer = { status: response.status, contentType, body: await response.json() };
    expectDocumented(method, new URL(path, "http://x").pathname, answer.status, contentType, answer.body);
    return answer;
  };
}

function queryOf(input: Record<string, unknown>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(input)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null)
        query.append(key, item instanceof Date ? item.toISOString() : String(item));
    }
  }
  const text = query.toString();
  return text ? `?${text}` : "";
}

/**
 * A caller-shaped client over REST: each call goes to the route its procedure's `openapi` meta names, path
 * parameters from the input, the rest as query (GET, DELETE) or JSON body; a problem comes back as its tRPC code.
 */
export function restCaller(core: Core, headers: Record<string, string>): Caller {
  const fetchRest = restFetcher(core);
  const call = async (procedure: string, input: unknown) => {
    const route = restRouteOf(procedure);
    if (!route) throw new Error(`${procedure} is not served over REST`);
    const rest: Record<string, unknown> = { ...(input as Record<string, unknown> | undefined) };
    const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const value = String(rest[name]);
      delete rest[name];
      return encodeURIComponent(value);
    });
    const inBody = route.method !== "GET" && route.method !== "DELETE";
    const answer = await fetchRest(route.method, inBody ? path : `${path}${queryOf(rest)}`, {
      headers,
      ...(inBody ? { body: rest } : {}),
    });
    if (answer.status >= 400) throw new TRPCError({ code: (answer.body as { code: TRPC_ERROR_CODE_KEY }).code });
    return answer.body;
  };
  const node = (path: string[]): unknown =>
    new Proxy(() => {}, {
      get: (_target, key) => (key === "then" ? undefined : node([...path, String(key)])),
      apply: (_target, _this, args: unknown[]) => call(path.join("."), args[0]),
    });
  return node([]) as Caller;
}
