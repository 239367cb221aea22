import { CSRF_HEADER, idempotencyKeySchema } from "@relaypost/contract";
import { DomainError, HasherBusyError, InvitationUnusableError, type Role, roleAllows } from "@relaypost/core";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { actorOf, bearerToken, type Context } from "./context";
import { describeFieldErrors, fieldErrorMap, fieldErrorsOf } from "./input-errors";

/**
 * `openapi` serves a procedure over REST as well, at `method path` under /api/v1 (rest/handler.ts); procedures
 * without it are tRPC only. The shape is the part of trpc-to-openapi's meta used here, written out so the typed
 * client's declarations need no trpc-to-openapi.
 */
// A type, not an interface: trpc-to-openapi takes a router whose meta is a Record.
export type ProcedureMeta = {
  openapi?: {
    method: "GET" | "POST" | "PATCH" | "DELETE";
    path: `/${string}`;
    summary: string;
    description?: string;
    tags: string[];
    /**
     * Headers the operation reads besides authorization, as a zod object (documented only; the procedure checks
     * them). Typed as `object` so the typed client's declarations need no zod.
     */
    requestHeaders?: object;
  };
};

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    isDev: false,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const fieldErrors =
        cause instanceof ZodError
          ? fieldErrorMap(fieldErrorsOf(cause.issues))
          : cause instanceof DomainError && cause.field
            ? { [cause.field]: [cause.message] }
            : undefined;
      return {
        ...shape,
        // Server faults keep their details in the server log only; refused input is told as a sentence, not a dump.
        message:
          error.code === "INTERNAL_SERVER_ERROR"
            ? "Internal server error"
            : cause instanceof ZodError
              ? describeFieldErrors(fieldErrorsOf(cause.issues))
              : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          fieldErrors,
          // Why an invitation link cannot be used, for the invite page to say so without reading the message.
          invitationUnusable: cause instanceof InvitationUnusableError ? cause.reason : undefined,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Turns domain refusals into the tRPC codes clients switch on; nothing downstream matches on messages. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  if (!result.ok && result.error.cause instanceof HasherBusyError) {
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: "The server is busy; try again shortly" });
  }
  return result;
});

/**
 * Every call acts as the caller resolved for it: once per HTTP request, afresh on each call of a WebSocket connection.
 * Cookie-authenticated mutations must also carry a custom header. Browsers will not add one to a cross-site request
 * without a CORS preflight, which this server never grants, so a forged form post or fetch cannot mutate.
 */
const authenticated = t.middleware(async ({ ctx, type, next }) => {
  const principal = await ctx.authenticate();
  if (type === "mutation" && principal.kind === "session" && ctx.request.headers.get(CSRF_HEADER) !== "1") {
    throw new TRPCError({ code: "FORBIDDEN", message: `Missing ${CSRF_HEADER} header` });
  }
  return next({ ctx: { principal } });
});

/** NUL, or half of a surrogate pair: text PostgreSQL cannot store, which would otherwise surface as a server fault. */
const UNSTORABLE_TEXT = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function containsUnstorableText(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return UNSTORABLE_TEXT.test(value);
  if (depth > 8 || value === null || typeof value !== "object") return false;
  return Object.values(value).some((item) => containsUnstorableText(item, depth + 1));
}

/** Refuses input carrying text no column can hold, before any procedure sees it. */
const storableText = t.middleware(async ({ getRawInput, next }) => {
  if (containsUnstorableText(await getRawInput())) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Text must not contain NUL or unpaired surrogate characters" });
  }
  return next();
});

export const publicProcedure = t.procedure.use(domainErrors).use(authenticated).use(storableText);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.principal.kind === "anonymous") {
    // A bearer token that resolved to nobody: say so, rather than send an API client to a sign-in it cannot do.
    const message = bearerToken(ctx.request) ? "The API key is invalid or revoked" : "Sign in first";
    throw new TRPCError({ code: "UNAUTHORIZED", message });
  }
  return next({ ctx: { principal: ctx.principal } });
});

export const userProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.principal.kind !== "session") {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "This needs a signed-in user" });
  }
  return next({ ctx: { principal: ctx.principal } });
});

const organizationNotFound = () => new TRPCError({ code: "NOT_FOUND", message: "Organization not found" });

/** Narrows the context to one organization and the caller's role in it; every query filters by this id. */
const withOrganization = authedProcedure.use(async ({ ctx, next }) => {
  const { principal } = ctx;
  const actor = actorOf(principal, ctx.request.remoteAddress);
  if (principal.kind === "apiKey") {
    const { organizationId, role } = principal.apiKey;
    if (ctx.requestedOrganizationId && ctx.requestedOrganizationId !== organizationId) throw organizationNotFound();
    return next({ ctx: { scope: { organizationId, role: role as Role, actor } } });
  }
  const organizations = await ctx.core.organizations.listForUser(principal.user.id);
  const chosen = ctx.requestedOrganizationId
    ? organizations.find((o) => o.id === ctx.requestedOrganizationId)
    : organizations.length === 1
      ? organizations[0]
      : undefined;
  if (!chosen) {
    if (ctx.requestedOrganizationId) throw organizationNotFound();
    throw new TRPCError({ code: "BAD_REQUEST", message: "Choose an organization" });
  }
  ctx.actingAs?.(chosen.id, chosen.role);
  return next({ ctx: { scope: { organizationId: chosen.id, role: chosen.role, actor } } });
});

/** An organization procedure open to `role` and the roles above it: viewers read, admins and owners write. */
export const organizationProcedure = (role: Role) =>
  withOrganization.use(({ ctx, next }) => {
    if (!roleAllows(ctx.scope.role, role)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${role} role` });
    }
    return next();
  });

/**
 * A create a caller may name with an Idempotency-Key header: `ctx.idempotencyKey` is the checked key, or undefined
 * without one. A malformed key is refused, not ignored, so a client that sent one never gets a second create by it.
 */
export const idempotentCreateProcedure = (role: Role) =>
  organizationProcedure(role).use(({ ctx, next }) => {
    if (ctx.idempotencyKeyHeader === null) return next({ ctx: { idempotencyKey: undefined } });
    const parsed = idempotencyKeySchema.safeParse(ctx.idempotencyKeyHeader);
    if (!parsed.success) {
      throw new TRPCError({ code: "BAD_REQUEST", message: parsed.error.issues.map((i) => i.message).join("; ") });
    }
    return next({ ctx: { idempotencyKey: parsed.data } });
  });
