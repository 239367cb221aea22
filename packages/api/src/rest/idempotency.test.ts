import { IDEMPOTENCY_KEY_HEADER } from "@relaypost/contract";
import { schema } from "@relaypost/db";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../context";
import { appRouter } from "../root";
import { type ApiHarness, createApiHarness, type TestOrganization } from "../testing";
import { openApiDocument } from "./document";
import { type RestFetch, restFetcher } from "./rest-client.test-support";

type Created = { credential: { id: string }; password: string };
type Problem = { status: number; code: string; detail: string };

describe("Idempotency-Key on creates (REST and tRPC)", () => {
  let h: ApiHarness;
  let org: TestOrganization;
  let rest: RestFetch;
  let admin: Record<string, string>;
  let counter = 0;
  const newKey = () => `rest-key-${counter++}-${crypto.randomUUID()}`;

  const credentialCount = async (organizationId: string) =>
    (
      await h.database.db
        .select({ n: count() })
        .from(schema.smtpCredentials)
        .where(eq(schema.smtpCredentials.organizationId, organizationId))
    )[0]?.n ?? 0;

  const createWith = (key: string | undefined, body: Record<string, unknown>, headers = admin) =>
    rest("POST", "/credentials", { headers: { ...headers, ...(key ? { [IDEMPOTENCY_KEY_HEADER]: key } : {}) }, body });

  beforeAll(async () => {
    h = await createApiHarness();
    org = await h.createOrganization();
    rest = restFetcher(h.core);
    admin = { authorization: `Bearer ${(await h.createApiKey(org.id, "admin")).token}` };
  });
  afterAll(() => h.destroy());

  it("answers a retry with the first answer, password included, and creates nothing more", async () => {
    const key = newKey();
    const before = await credentialCount(org.id);
    const first = await createWith(key, { description: "retry", limits: { perHour: 10 } });
    const retry = await createWith(key, { limits: { perHour: 10 }, description: "retry" });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect((retry.body as Created).password).toMatch(/\S{20,}/);
    expect(await credentialCount(org.id)).toBe(before + 1);
  });

  it("answers the same key with another body as a 422 problem, creating nothing", async () => {
    const key = newKey();
    await createWith(key, { description: "first" });
    const before = await credentialCount(org.id);
    const other = await createWith(key, { description: "second" });
    expect(other.status).toBe(422);
    expect(other.contentType).toBe("application/problem+json");
    expect(other.body).toMatchObject({ status: 422, code: "UNPROCESSABLE_CONTENT" } satisfies Partial<Problem>);
    expect((other.body as Problem).detail).toMatch(/Idempotency-Key was already used with another request/);
    expect(await credentialCount(org.id)).toBe(before);
  });

  it("creates once for requests with the same key sent together", async () => {
    const key = newKey();
    const before = await credentialCount(org.id);
    const answers = await Promise.all([1, 2, 3].map(() => createWith(key, { description: "together" })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => (a.body as Created).credential.id)).size).toBe(1);
    expect(await credentialCount(org.id)).toBe(before + 1);
  });

  it("refuses a malformed key as a 400 problem before creating anything", async () => {
    const before = await credentialCount(org.id);
    for (const key of ["x".repeat(256), "tab\there"]) {
      const answer = await createWith(key, {});
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ status: 400, code: "BAD_REQUEST" });
      expect((answer.body as Problem).detail).toMatch(/Idempotency-Key header must/);
    }
    expect(await credentialCount(org.id)).toBe(before);
  });

  it("creates each time without a key, as before", async () => {
    const first = (await createWith(undefined, { description: "plain" })).body as Created;
    const second = (await createWith(undefined, { description: "plain" })).body as Created;
    expect(second.credential.id).not.toBe(first.credential.id);
  });

  it("keeps organizations apart: the same key creates in each", async () => {
    const other = await h.createOrganization();
    const otherAdmin = { authorization: `Bearer ${(await h.createApiKey(other.id, "admin")).token}` };
    const key = newKey();
    const here = (await createWith(key, { description: "tenant" })).body as Created;
    const there = (await createWith(key, { description: "tenant" }, otherAdmin)).body as Created;
    expect(there.credential.id).not.toBe(here.credential.id);
    expect(await credentialCount(other.id)).toBe(1);
  });

  it("answers a retried API key create with the first token", async () => {
    const headers = { ...admin, [IDEMPOTENCY_KEY_HEADER]: newKey() };
    const first = await rest("POST", "/api-keys", { headers, body: { name: "deploy", role: "viewer" } });
    const retry = await rest("POST", "/api-keys", { headers, body: { name: "deploy", role: "viewer" } });
    expect(retry.body).toEqual(first.body);
    const keys = (await rest("GET", "/api-keys", { headers: admin })).body as Array<{ name: string }>;
    expect(keys.filter((k) => k.name === "deploy")).toHaveLength(1);
  });

  it("answers a retried webhook endpoint create with the first signing secret", async () => {
    const headers = { ...admin, [IDEMPOTENCY_KEY_HEADER]: newKey() };
    const body = { url: "https://93.184.215.14/idempotent", eventTypes: ["credential.created"] };
    const first = await rest("POST", "/webhooks", { headers, body });
    const retry = await rest("POST", "/webhooks", { headers, body });
    expect(first.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect((retry.body as { secret: string }).secret).toMatch(/^whsec_/);
    const endpoints = (await rest("GET", "/webhooks", { headers: admin })).body as Array<{ url: string }>;
    expect(endpoints.filter((e) => e.url === body.url)).toHaveLength(1);
  });

  it("takes the key on tRPC mutations over HTTP too", async () => {
    const key = newKey();
    const overTrpc = async () => {
      const response = await fetchRequestHandler({
        endpoint: "/trpc",
        req: new Request("http://relaypost.test/trpc/smtpCredentials.create", {
          method: "POST",
          headers: { ...admin, [IDEMPOTENCY_KEY_HEADER]: key, "content-type": "application/json" },
          body: JSON.stringify({ json: { description: "typed client" } }),
        }),
        router: appRouter,
        createContext: ({ req }) => createContext(h.core, { headers: req.headers, remoteAddress: null }),
      });
      return ((await response.json()) as { result: { data: { json: Created } } }).result.data.json;
    };
    const first = await overTrpc();
    const retry = await overTrpc();
    expect(retry).toEqual(first);
  });

  it("documents the header on the creates that take it, and only there", () => {
    const paths = openApiDocument().paths ?? {};
    const headerOf = (path: string, method: "post" | "patch") =>
      paths[path]?.[method]?.parameters?.find(
        (p) => "in" in p && p.in === "header" && p.name === IDEMPOTENCY_KEY_HEADER,
      );
    for (const path of ["/credentials", "/api-keys", "/webhooks"]) {
      const header = headerOf(path, "post");
      expect(header).toMatchObject({ schema: { minLength: 1, maxLength: 255 } });
      expect(header && "required" in header ? header.required : false).toBe(false);
    }
    expect(headerOf("/credentials/{id}/regenerate-password", "post")).toBeUndefined();
  });
});
