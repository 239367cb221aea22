import { STATUS_CODES } from "node:http";
import { UNUSABLE_INVITATION_REASONS } from "@relaypost/contract";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { z } from "zod";
import { describeFieldErrors, type FieldError, fieldErrorsOf } from "../input-errors";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** An RFC 9457 problem: `code` is the tRPC code clients switch on, `errors` the refused input fields. */
export const problemSchema = z
  .object({
    type: z.string().meta({ description: "Always about:blank: `title` is the HTTP status's phrase" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().meta({ description: "What went wrong, for a person" }),
    code: z.string().meta({ description: "A stable code to switch on: BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, …" }),
    errors: z
      .array(
        z.object({
          field: z.string().meta({ description: 'The dotted input path, e.g. "limits.perHour"; empty for the whole' }),
          detail: z.string(),
        }),
      )
      .optional(),
    reason: z
      .enum(UNUSABLE_INVITATION_REASONS)
      .optional()
      .meta({ description: "Why an invitation link cannot be used: used, expired, revoked or invalid" }),
  })
  .meta({ id: "Problem" });

export type Problem = z.infer<typeof problemSchema>;

/** The JSON error trpc-to-openapi answers with; `data` is what the router's errorFormatter added. */
const handlerErrorSchema = z.object({
  message: z.string().optional(),
  code: z.string(),
  issues: z.array(z.custom<z.core.$ZodIssue>()).optional(),
  data: z
    .object({
      fieldErrors: z.record(z.string(), z.array(z.string())).optional(),
      invitationUnusable: z.enum(UNUSABLE_INVITATION_REASONS).optional(),
    })
    .optional(),
});

function fieldErrorsFrom(error: z.infer<typeof handlerErrorSchema>): FieldError[] {
  if (error.issues) return fieldErrorsOf(error.issues);
  const byField = error.data?.fieldErrors ?? {};
  return Object.entries(byField).flatMap(([field, details]) => details.map((detail) => ({ field, detail })));
}

export function problemOf(status: number, body: unknown): Problem {
  const parsed = handlerErrorSchema.safeParse(body);
  const error = parsed.success ? parsed.data : { code: "INTERNAL_SERVER_ERROR" };
  const errors = fieldErrorsFrom(error);
  return {
    type: "about:blank",
    title: STATUS_CODES[status] ?? "Error",
    status,
    // Input refusals are described from their issues: the handler replaces their message with a generic one.
    detail: error.issues ? describeFieldErrors(errors) : (error.message ?? STATUS_CODES[status] ?? "Error"),
    code: error.code as TRPC_ERROR_CODE_KEY,
    ...(errors.length > 0 ? { errors } : {}),
    ...(error.data?.invitationUnusable ? { reason: error.data.invitationUnusable } : {}),
  };
}

/** An error answer of the REST handler, re-written as application/problem+json; other answers pass unchanged. */
export async function asProblem(response: Response): Promise<Response> {
  if (response.ok) return response;
  const body: unknown = await response.json().catch(() => undefined);
  const headers = new Headers(response.headers);
  headers.set("content-type", PROBLEM_CONTENT_TYPE);
  return new Response(JSON.stringify(problemOf(response.status, body)), { status: response.status, headers });
}

/** A problem answer made outside the procedures (a refused body size). */
export function problemResponse(
  status: number,
  code: TRPC_ERROR_CODE_KEY,
  detail: string,
  headers?: Record<string, string>,
): Response {
  const problem: Problem = { type: "about:blank", title: STATUS_CODES[status] ?? "Error", status, detail, code };
  const all = new Headers(headers);
  all.set("content-type", PROBLEM_CONTENT_TYPE);
  return new Response(JSON.stringify(problem), { status, headers: all });
}
