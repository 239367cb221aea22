import type { IncomingMessage, ServerResponse } from "node:http";
import type { Core } from "@relaypost/core";
import { TRPCError } from "@trpc/server";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";
import { createContext, DEFAULT_SMTP_ENDPOINT, type SmtpEndpoint } from "../context";
import { appRouter } from "../root";
import { REST_PREFIX } from "./document";
import { asProblem } from "./problem";

export interface RestHandlerOptions {
  core: Core;
  smtpEndpoint?: SmtpEndpoint;
  /** Told of every failed call, as tRPC's onError is. */
  onError?: (error: TRPCError, path: string | undefined) => void;
}

/** What the transport knows of the caller beside the request itself. */
export interface RestCaller {
  remoteAddress: string | null;
}

const TAKES_BODY = new Set(["POST", "PUT", "PATCH"]);

type Parsed = { ok: true; value: unknown } | { ok: false; cause: unknown };

/** The JSON body; none at all (`curl -X POST …/activate`) is `{}`, so a path-only call needs no body. */
async function parseBody(req: Request): Promise<Parsed> {
  if (!TAKES_BODY.has(req.method)) return { ok: true, value: undefined };
  const text = await req.text();
  if (text.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (cause) {
    return { ok: false, cause };
  }
}

/**
 * The request as trpc-to-openapi's Node handler reads it (as its own fetch adapter does): the URL without the
 * prefix, the body already parsed, a body-less call typed as JSON.
 */
async function handlerRequest(req: Request): Promise<Request> {
  const body = await parseBody(req);
  const url = req.url.replace(REST_PREFIX, "");
  const headers = new Headers(req.headers);
  if (TAKES_BODY.has(req.method) && !headers.has("content-type")) headers.set("content-type", "application/json");
  return new Proxy(req, {
    get(target, property) {
      if (property === "url") return url;
      if (property === "headers") return headers;
      if (property !== "body") return Reflect.get(target, property, target);
      if (!body.ok) throw new TRPCError({ code: "PARSE_ERROR", message: "The body is not JSON", cause: body.cause });
      return body.value;
    },
  });
}

/** Collects what the Node handler writes into a fetch Response. */
function responder(resolve: (response: Response) => void): ServerResponse {
  const headers = new Headers();
  let status = 200;
  const res = {
    setHeader: (name: string, value: string) => headers.set(name, value),
    set statusCode(code: number) {
      status = code;
    },
    get statusCode() {
      return status;
    },
    end: (body: string) => resolve(new Response(body, { status, headers })),
  };
  return res as unknown as ServerResponse;
}

/**
 * The REST API: each request calls the tRPC procedure its route names (trpc-to-openapi), through the same context,
 * middleware and zod schemas as /trpc, so authorization, tenancy and CSRF rules are the procedures' own. The Node
 * handler is built once: trpc-to-openapi's fetch adapter builds one per request, generating the whole OpenAPI
 * document each time outside production.
 */
export function createRestHandler({ core, smtpEndpoint = DEFAULT_SMTP_ENDPOINT, onError }: RestHandlerOptions) {
  const callers = new WeakMap<object, RestCaller>();
  const handle = createOpenApiNodeHttpHandler({
    router: appRouter,
    createContext: ({ req }) => {
      const request = req as unknown as Request;
      return createContext(
        core,
        {
          headers: request.headers,
          remoteAddress: callers.get(req)?.remoteAddress ?? null,
          secure: new URL(request.url, "http://relaypost.invalid").protocol === "https:",
        },
        smtpEndpoint,
      );
    },
    onError: ({ error, path }) => onError?.(error, path),
  });
  return async (req: Request, caller: RestCaller): Promise<Response> => {
    const request = await handlerRequest(req);
    callers.set(request, caller);
    const response = await new Promise<Response>((resolve, reject) => {
      handle(request as unknown as IncomingMessage, responder(resolve)).catch(reject);
    });
    return asProblem(response);
  };
}
