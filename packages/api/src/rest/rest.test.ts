import { CSRF_HEADER, ORGANIZATION_HEADER, SESSION_COOKIE } from "@relaypost/contract";
import { schema } from "@relaypost/db";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../context";
import { appRouter } from "../root";
import { type ApiHarness, createApiHarness, type TestOrganization } from "../testing";
import { REST_PREFIX } from "./document";
import { createRestHandler } from "./handler";
import { type RestFetch, restFetcher } from "./rest-client.test-support";

type Credential = { id: string; username: string; description: string; active: boolean; expiresAt: string | null };
type Page = { items: Credential[]; nextCursor: string | null; total: number };
type Problem = { status: number; code: string; detail: string; errors?: Array<{ field: string; detail: string }> };

describe("REST API at /api/v1 (every answer checked against the OpenAPI document)", () => {
  let h: ApiHarness;
  let org: TestOrganization;
  let rest: RestFetch;
  let admin: Record<string, string>;
  let viewer: Record<string, string>;

  beforeAll(async () => {
    h = await createApiHarness();
    org = await h.createOrganization();
    rest = restFetcher(h.core);
    admin = { authorization: `Bearer ${(await h.createApiKey(org.id, "admin")).token}` };
    viewer = { authorization: `Bearer ${(await h.createApiKey(org.id, "viewer")).token}` };
  });
  afterAll(() => h.destroy());

  const create = async (body: Record<string, unknown> = {}) => {
    const answer = await rest("POST", "/credentials", { headers: admin, body });
    expect(answer.status).toBe(200);
    return answer.body as { credential: Credential; password: string };
  };

  it("creates, gets, updates, regenerates, deactivates, activates and deletes a credential with an API key", async () => {
    const { credential, password } = await create({ username: "afterapp", expiresAt: "2099-01-01T00:00:00.000Z" });
    expect(credential).toMatchObject({ username: "afterapp", active: true, expiresAt: "2099-01-01T00:00:00.000Z" });
    expect(password).toMatch(/\S{20,}/);
    const path = `/credentials/${credential.id}`;

    expect((await rest("GET", path, { headers: viewer })).body).toMatchObject({ id: credential.id, usage: { day: 0 } });
    const updated = await rest("PATCH", path, { headers: admin, body: { description: "billing" } });
    expect(updated.body).toMatchObject({ description: "billing" });
    const regenerated = await rest("POST", `${path}/regenerate-password`, {
      headers: admin,
      body: { keepPreviousForSeconds: 60 },
    });
    expect((regenerated.body as { password: string }).password).not.toBe(password);
    expect((await rest("POST", `${path}/end-previous-password`, { headers: admin })).status).toBe(200);
    // No body at all: a bodiless POST is taken as {}.
    expect((await rest("POST", `${path}/deactivate`, { headers: admin })).body).toMatchObject({ active: false });
    expect((await rest("POST", `${path}/activate`, { headers: admin, body: {} })).body).toMatchObject({ active: true });
    expect((await rest("DELETE", path, { headers: admin })).body).toEqual({ id: credential.id });
    const gone = await rest("GET", path, { headers: admin });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ status: 404, code: "NOT_FOUND", title: "Not Found" });
  });

  it("lists credentials a page at a time with a cursor, and searches them", async () => {
    for (const name of ["page_a", "page_b", "page_c"]) await create({ username: name, description: "paged" });
    const first = (await rest("GET", "/credentials?search=page_&limit=2", { headers: viewer })).body as Page;
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const next = `/credentials?search=page_&limit=2&cursor=${encodeURIComponent(first.nextCursor ?? "")}`;
    const second = (await rest("GET", next, { headers: viewer })).body as Page;
    expect([...first.items, ...second.items].map((c) => c.username).sort()).toEqual(["page_a", "page_b", "page_c"]);
    expect(second.nextCursor).toBeNull();
    expect([first.total, second.total]).toEqual([3, 3]);
  });

  it("sorts and filters the list from the query string", async () => {
    for (const name of ["sort_b", "sort_a"]) await create({ username: name });
    const sorted = (await rest("GET", "/credentials?search=sort_&sort=username&order=asc", { headers: viewer }))
      .body as Page;
    expect(sorted.items.map((c) => c.username)).toEqual(["sort_a", "sort_b"]);
    const neverUsed = (await rest("GET", "/credentials?search=sort_&filter=neverUsed", { headers: viewer }))
      .body as Page;
    expect(neverUsed.total).toBe(2);
    const unknown = await rest("GET", "/credentials?filter=stale", { headers: viewer });
    expect((unknown.body as Problem).errors?.[0]?.field).toBe("filter");
  });

  it("refuses an unknown field as a problem naming it, instead of dropping it", async () => {
    const answer = await rest("POST", "/credentials", { headers: admin, body: { usernme: "typo_user" } });
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe("application/problem+json");
    const problem = answer.body as Problem;
    expect(problem.errors).toEqual([{ field: "usernme", detail: "Unknown field" }]);
    expect(problem.detail).toBe("Invalid input: usernme: Unknown field");
    const unknownQuery = await rest("GET", "/credentials?limt=5", { headers: viewer });
    expect((unknownQuery.body as Problem).errors).toEqual([{ field: "limt", detail: "Unknown field" }]);
  });

  it("answers invalid input with a human detail and an error per field", async () => {
    const answer = await rest("POST", "/credentials", {
      headers: admin,
      body: { username: "no spaces", limits: { perHour: 0 } },
    });
    const problem = answer.body as Problem;
    expect(problem).toMatchObject({ status: 400, code: "BAD_REQUEST", title: "Bad Request" });
    expect(problem.errors?.map((e) => e.field).sort()).toEqual(["limits.perHour", "username"]);
    expect(problem.detail).toMatch(/^Invalid input: .*limits\.perHour: A limit must be at least 1/);
    const tooMany = await rest("GET", "/credentials?limit=1000", { headers: viewer });
    expect((tooMany.body as Problem).errors?.[0]?.field).toBe("limit");
  });

  it("refuses a body that is not JSON", async () => {
    const answer = await rest("POST", "/credentials", { headers: admin, body: "{not json" });
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe("application/problem+json");
  });

  it("tells a missing, a wrong and a viewer's API key apart", async () => {
    const none = await rest("GET", "/credentials");
    expect(none.body).toMatchObject({ status: 401, code: "UNAUTHORIZED", detail: "Sign in first" });
    const wrong = await rest("GET", "/credentials", { headers: { authorization: "Bearer rp_not_a_key" } });
    expect(wrong.body).toMatchObject({ status: 401, detail: "The API key is invalid or revoked" });
    const refused = await rest("POST", "/credentials", { headers: viewer, body: {} });
    expect(refused.body).toMatchObject({ status: 403, code: "FORBIDDEN", detail: "This needs the admin role" });
  });

  it("says the same sentence over tRPC as the problem's detail, for bad input and for a bad key", async () => {
    const overTrpc = async (headers: Record<string, string>) => {
      const response = await fetchRequestHandler({
        endpoint: "/trpc",
        req: new Request("http://relaypost.test/trpc/smtpCredentials.create", {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify({ json: { usernme: "typo_user" } }),
        }),
        router: appRouter,
        createContext: ({ req }) => createContext(h.core, { headers: req.headers, remoteAddress: null }),
      });
      return ((await response.json()) as { error: { json: { message: string } } }).error.json.message;
    };
    const overRest = async (headers: Record<string, string>) =>
      ((await rest("POST", "/credentials", { headers, body: { usernme: "typo_user" } })).body as Problem).detail;
    const badKey = { authorization: "Bearer rp_revoked_or_never_was" };
    expect(await overTrpc(admin)).toBe("Invalid input: usernme: Unknown field");
    expect(await overTrpc(admin)).toBe(await overRest(admin));
    expect(await overTrpc(badKey)).toBe("The API key is invalid or revoked");
    expect(await overTrpc(badKey)).toBe(await overRest(badKey));
  });

  it("holds a session cookie to the CSRF header rule, as tRPC does", async () => {
    const cookie = { cookie: `${SESSION_COOKIE}=${org.owner.sessionToken}`, [ORGANIZATION_HEADER]: org.id };
    const forged = await rest("POST", "/credentials", { headers: cookie, body: {} });
    expect(forged.body).toMatchObject({ status: 403, detail: `Missing ${CSRF_HEADER} header` });
    const sent = await rest("POST", "/credentials", { headers: { ...cookie, [CSRF_HEADER]: "1" }, body: {} });
    expect(sent.status).toBe(200);
  });

  it("creates, lists and revokes API keys, and reads the audit log and messages", async () => {
    const created = await rest("POST", "/api-keys", { headers: admin, body: { name: "ci", role: "viewer" } });
    const { apiKey, token } = created.body as { apiKey: { id: string }; token: string };
    const listed = (await rest("GET", "/api-keys", { headers: { authorization: `Bearer ${token}` } })).body;
    expect(listed).toEqual(expect.arrayContaining([expect.objectContaining({ id: apiKey.id, revokedAt: null })]));
    expect((await rest("DELETE", `/api-keys/${apiKey.id}`, { headers: admin })).body).toEqual({ id: apiKey.id });
    const revoked = await rest("GET", "/api-keys", { headers: { authorization: `Bearer ${token}` } });
    expect(revoked.status).toBe(401);

    const audit = (await rest("GET", "/audit-log?limit=5", { headers: viewer })).body as { items: unknown[] };
    expect(audit.items.length).toBeGreaterThan(0);
    const messages = await rest("GET", `/messages?status=queued&since=2020-01-01T00:00:00Z`, { headers: viewer });
    expect(messages.body).toEqual({ items: [], nextCursor: null });
  });

  it("reads a message's source and the counts per credential, and purges the log, admins only", async () => {
    // An organization of its own: the purge keeps queued mail, which the other tests' message lists must not see.
    const own = await h.createOrganization();
    const admin = { authorization: `Bearer ${(await h.createApiKey(own.id, "admin")).token}` };
    const viewer = { authorization: `Bearer ${(await h.createApiKey(own.id, "viewer")).token}` };
    const created = await rest("POST", "/credentials", { headers: admin, body: { username: "mailer" } });
    const { credential } = created.body as { credential: Credential };
    const insert = (status: "relayed" | "queued") =>
      h.database.db
        .insert(schema.smtpMessages)
        .values({
          organizationId: own.id,
          credentialId: credential.id,
          mailFrom: "app@example.com",
          rcptTo: ["someone@example.org"],
          size: 30,
          raw: Buffer.from(`Subject: ${status}\r\n\r\nbody\r\n`),
          subject: status,
          status,
        })
        .returning({ id: schema.smtpMessages.id });
    const [relayed] = await insert("relayed");
    await insert("queued");

    const source = await rest("GET", `/messages/${relayed?.id}/source`, { headers: admin });
    expect(source.body).toMatchObject({
      message: { id: relayed?.id, subject: "relayed" },
      source: "Subject: relayed\r\n\r\nbody\r\n",
      truncated: false,
    });
    expect((await rest("GET", `/messages/${relayed?.id}/source`, { headers: viewer })).status).toBe(403);
    const counts = await rest("GET", "/messages/counts", { headers: viewer });
    expect(counts.body).toEqual(expect.arrayContaining([{ credentialId: credential.id, last24h: 2, last7d: 2 }]));

    expect((await rest("POST", "/messages/purge", { headers: viewer })).status).toBe(403);
    const purged = await rest("POST", "/messages/purge", { headers: admin });
    expect(purged.body).toEqual({ deleted: 1 });
    // Mail still waiting for delivery is kept.
    const left = (await rest("GET", "/messages", { headers: viewer })).body as { items: Array<{ status: string }> };
    expect(left.items.map((m) => m.status)).toEqual(["queued"]);
    expect((await rest("GET", `/messages/${relayed?.id}/source`, { headers: admin })).status).toBe(404);
  });

  it("gives events after an id, oldest first, and where to continue", async () => {
    const before = (await rest("GET", "/events?after=0&limit=500", { headers: viewer })).body as { nextAfter: number };
    const { credential } = await create({ username: "evented" });
    await rest("POST", `/credentials/${credential.id}/deactivate`, { headers: admin });
    type EventPage = { events: Array<{ id: number; type: string; credentialId: string }>; nextAfter: number };
    const page = (await rest("GET", `/events?after=${before.nextAfter}`, { headers: viewer })).body as EventPage;
    expect(page.events.map((e) => [e.type, e.credentialId])).toEqual([
      ["credential.created", credential.id],
      ["credential.deactivated", credential.id],
    ]);
    expect(page.nextAfter).toBe(page.events.at(-1)?.id);
    const filtered = await rest("GET", `/events?after=${before.nextAfter}&types=credential.deactivated`, {
      headers: viewer,
    });
    expect((filtered.body as EventPage).events.map((e) => e.type)).toEqual(["credential.deactivated"]);
    const after = (await rest("GET", `/events?after=${page.nextAfter}`, { headers: viewer })).body as EventPage;
    expect(after).toEqual({ events: [], nextAfter: page.nextAfter });
  });

  it("previews an invitation link without signing in, and says why a spent one cannot be used", async () => {
    const { token } = await h.core.invitations.create(
      {
        organizationId: org.id,
        role: "owner",
        actor: { type: "user", id: org.owner.id, label: "owner", remoteAddress: null },
      },
      "viewer",
    );
    const preview = await rest("GET", `/invitations/${token}`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ organizationSlug: org.slug, role: "viewer" });
    const unknown = await rest("GET", "/invitations/rpinv_nothing");
    expect(unknown.body).toMatchObject({ status: 404, code: "NOT_FOUND", reason: "invalid" });
  });

  it("answers an unknown route with a problem", async () => {
    const handle = createRestHandler({ core: h.core });
    const response = await handle(new Request(`http://relaypost.test${REST_PREFIX}/nothing-here`, { headers: admin }), {
      remoteAddress: null,
    });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ status: 404, code: "NOT_FOUND" });
  });
});
