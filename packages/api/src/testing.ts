import { randomBytes } from "node:crypto";
import { CSRF_HEADER, ORGANIZATION_HEADER, type RegistrationMode, SESSION_COOKIE } from "@relaypost/contract";
import {
  type Core,
  createAccountHasher,
  createRuntime,
  DomainError,
  Keyring,
  operatorScope,
  type Role,
} from "@relaypost/core";
import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { ZodError } from "zod";
import { createContext } from "./context";
import { fieldErrorMap, fieldErrorsOf } from "./input-errors";
import { appRouter } from "./root";
import { createCallerFactory } from "./trpc";

const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

export interface TestOrganization {
  id: string;
  slug: string;
  owner: { id: string; email: string; sessionToken: string };
}

/** Real limits, with delays short enough that a test of failed sign-ins does not wait seconds. */
export const SIGN_IN_THROTTLE = { baseDelayMs: 1, maxDelayMs: 4 };

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

/**
 * A real database built from the migrations, the runtime production builds on it, and helpers that make callers the
 * way HTTP would. `hasher` is the runtime's account argon2 gate, kept here so a test can watch or fill it.
 * `registration` is the REGISTRATION mode (open by default).
 */
export async function createApiHarness(options: { registration?: RegistrationMode } = {}) {
  const database: TestDatabase = await createTestDatabase();
  const hasher = createAccountHasher();
  // A fresh server key, as RELAYPOST_SECRET_KEY gives one, so organizations' upstreams can be set.
  const runtime = await createRuntime(database, {
    signInThrottle: SIGN_IN_THROTTLE,
    hasher,
    keyring: new Keyring(randomBytes(32)),
    // Webhooks are registered here but delivered only in the tests that drive `runtime.webhooks` themselves.
    webhooks: { background: false },
    registration: options.registration,
  });
  const { core } = runtime;

  /** `resHeaders` receives the response headers (Set-Cookie) as the HTTP adapter would send them. */
  async function callerFor(
    headers: Record<string, string>,
    remoteAddress = "203.0.113.7",
    resHeaders = new Headers(),
  ): Promise<Caller> {
    return createCaller(await createContext(core, { headers: new Headers(headers), remoteAddress, resHeaders }));
  }

  return {
    core,
    database,
    hasher,
    /** The runtime's metrics, as `/metrics` would serve them. */
    telemetry: runtime.telemetry,
    /** A caller with no credentials. */
    anonymous: () => callerFor({}),
    /** A caller signed in with a session cookie, acting in `organizationId` (CSRF header included). */
    asSession: (sessionToken: string, organizationId?: string) =>
      callerFor({
        cookie: `${SESSION_COOKIE}=${sessionToken}`,
        [CSRF_HEADER]: "1",
        ...(organizationId ? { [ORGANIZATION_HEADER]: organizationId } : {}),
      }),
    asApiKey: (token: string) => callerFor({ authorization: `Bearer ${token}` }),
    callerFor,

    async createOrganization(name = `Org ${unique()}`): Promise<TestOrganization> {
      const email = `owner-${unique()}@example.com`;
      const { organization, owner } = await core.organizations.create({
        name,
        owner: { email, password: "owner-password-1" },
      });
      const { token } = await core.sessions.create(owner.id);
      return { id: organization.id, slug: organization.slug, owner: { id: owner.id, email, sessionToken: token } };
    },

    /** A user with `role` in the organization, signed in; they joined the only way there is, by an invitation. */
    async addMember(organizationId: string, role: Role) {
      const email = `${role}-${unique()}@example.com`;
      const user = await core.users.create({ email, password: "member-password-1" });
      const { token: link } = await core.invitations.create(operatorScope(organizationId, "test"), role);
      await core.invitations.accept({ type: "user", id: user.id, label: email, remoteAddress: null }, link);
      const { token } = await core.sessions.create(user.id);
      return { id: user.id, email, sessionToken: token };
    },

    async createApiKey(organizationId: string, role: "admin" | "viewer" = "admin") {
      return core.apiKeys.create(operatorScope(organizationId, "test"), { name: `key ${unique()}`, role });
    },

    async destroy() {
      await runtime.close();
      await database.destroy();
    },
  };
}

export type ApiHarness = Awaited<ReturnType<typeof createApiHarness>>;

/** The error a call fails with, for assertions on its code and field messages. */
export async function failure(call: Promise<unknown>): Promise<TRPCError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

/** The messages of a BAD_REQUEST's zod issues, by the input field they are about. */
export async function fieldErrors(call: Promise<unknown>): Promise<Record<string, string[] | undefined>> {
  const error = await failure(call);
  if (error.code !== "BAD_REQUEST") throw error;
  // What the error formatter sends over HTTP; an in-process caller gets the cause itself.
  if (error.cause instanceof ZodError) return fieldErrorMap(fieldErrorsOf(error.cause.issues));
  return error.cause instanceof DomainError && error.cause.field ? { [error.cause.field]: [error.cause.message] } : {};
}

/** One organization in a fresh harness, with its owner's session calling `smtpCredentials`. */
export async function credentialsOfOwner() {
  const h = await createApiHarness();
  const org = await h.createOrganization();
  const admin = (await h.asSession(org.owner.sessionToken, org.id)).smtpCredentials;
  return { h, org, admin };
}

/**
 * One tRPC call the way a browser or @relaypost/client sends it (GET with `?input=` for queries, POST for
 * mutations, superjson bodies), served by tRPC's fetch adapter with the server's context factory; resolves with the
 * answer's JSON body.
 */
export async function trpcOverHttp(
  core: Core,
  call: { path: string; input: unknown; method: "GET" | "POST"; headers: Record<string, string> },
): Promise<unknown> {
  const { path, input, method, headers } = call;
  const encoded = JSON.stringify(superjson.serialize(input));
  const url = `http://relaypost.test/trpc/${path}`;
  const req =
    method === "POST"
      ? new Request(url, { method, headers: { ...headers, "content-type": "application/json" }, body: encoded })
      : new Request(`${url}?input=${encodeURIComponent(encoded)}`, { headers });
  const response = await fetchRequestHandler({
    endpoint: "/trpc",
    req,
    router: appRouter,
    createContext: ({ req: request, resHeaders }) =>
      createContext(core, { headers: request.headers, remoteAddress: "203.0.113.7", resHeaders }),
  });
  return response.json();
}

/** Fills an argon2 gate's places and its queue to the bound; the returned function frees them all. */
export function occupyHasher(hasher: ApiHarness["hasher"]): () => Promise<void> {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const gate = hasher.concurrency;
  const occupied = Array.from({ length: gate.limit + 64 }, () => gate.run(() => held));
  return async () => {
    release();
    await Promise.all(occupied);
  };
}
