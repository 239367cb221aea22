import type { Core } from "@relaypost/core";
import type { TRPCError } from "@trpc/server";
import { createOpenApiFetchHandler } from "trpc-to-openapi";
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

/** A body-taking call sent with no body (`curl -X POST …/activate`) is taken as `{}`, not refused for its type. */
async function withJsonBody(req: Request): Promise<Request> {
  if (!TAKES_BODY.has(req.method)) return req;
  const text = await req.text();
  if (text.trim() !== "") return new Request(req, { body: text });
  const headers = new Headers(req.headers);
  headers.set("content-type", "application/json");
  return new Request(req, { headers, body: "{}" });
}

/**
 * The REST API: each request calls the tRPC procedure its route names (trpc-to-openapi), through the same context,
 * middleware and zod schemas as /trpc, so authorization, tenancy and CSRF rules are the procedures' own.
 */
export function createRestHandler({ core, smtpEndpoint = DEFAULT_SMTP_ENDPOINT, onError }: RestHandlerOptions) {
  return async (req: Request, { remoteAddress }: RestCaller): Promise<Response> => {
    const response = await createOpenApiFetchHandler({
      endpoint: REST_PREFIX,
      req: await withJsonBody(req),
      router: appRouter,
      createContext: ({ req: request }) =>
        createContext(
          core,
          { headers: request.headers, remoteAddress, secure: new URL(request.url).protocol === "https:" },
          smtpEndpoint,
        ),
      onError: ({ error, path }) => onError?.(error, path),
    });
    return asProblem(response);
  };
}
