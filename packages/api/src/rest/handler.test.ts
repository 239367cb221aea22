import type { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../testing";
import { REST_PREFIX } from "./document";
import { createRestHandler, type RestHandlerOptions } from "./handler";
import { type RestFetch, restFetcher } from "./rest-client.test-support";

type Credential = { id: string; username: string; active: boolean };
type AuditPage = { items: Array<{ action: string; targetId: string | null; remoteAddress: string | null }> };

describe("the REST handler's reading of a request", () => {
  let h: ApiHarness;
  let rest: RestFetch;
  let admin: Record<string, string>;

  beforeAll(async () => {
    h = await createApiHarness();
    const org = await h.createOrganization();
    rest = restFetcher(h.core);
    admin = { authorization: `Bearer ${(await h.createApiKey(org.id, "admin")).token}` };
  });
  afterAll(() => h.destroy());

  const create = async (username: string) => {
    const answer = await rest("POST", "/credentials", { headers: admin, body: { username } });
    expect(answer.status).toBe(200);
    return (answer.body as { credential: Credential }).credential;
  };

  it("takes a POST whose body is only whitespace as {}", async () => {
    const credential = await create("whitespace_body");
    const answer = await rest("POST", `/credentials/${credential.id}/deactivate`, { headers: admin, body: " \n\t " });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: credential.id, active: false });
  });

  it("refuses a body that is not JSON as a PARSE_ERROR problem saying so", async () => {
    const answer = await rest("POST", "/credentials", { headers: admin, body: "{not json" });
    expect(answer.body).toEqual({
      type: "about:blank",
      title: "Bad Request",
      status: 400,
      detail: "The body is not JSON",
      code: "PARSE_ERROR",
    });
  });

  it("ignores the body of a DELETE, even one that is not JSON", async () => {
    const credential = await create("deleted_with_body");
    const answer = await rest("DELETE", `/credentials/${credential.id}`, { headers: admin, body: "{not json" });
    expect(answer.body).toEqual({ id: credential.id });
  });

  it("keeps the content type a caller sent: a body typed as other than JSON is refused", async () => {
    const answer = await rest("POST", "/credentials", {
      headers: { ...admin, "content-type": "text/plain" },
      body: JSON.stringify({ username: "typed_as_text" }),
    });
    expect(answer.body).toMatchObject({ status: 415, code: "UNSUPPORTED_MEDIA_TYPE" });
    const listed = await rest("GET", "/credentials?search=typed_as_text", { headers: admin });
    expect(listed.body).toMatchObject({ total: 0 });
  });

  it("records the caller's address in the audit log of what the call changed", async () => {
    const handle = createRestHandler({ core: h.core });
    const response = await handle(
      new Request(`http://relaypost.test${REST_PREFIX}/credentials`, {
        method: "POST",
        headers: { ...admin, "content-type": "application/json" },
        body: JSON.stringify({ username: "from_afar" }),
      }),
      { remoteAddress: "198.51.100.23" },
    );
    const { credential } = (await response.json()) as { credential: Credential };
    const audit = (await rest("GET", "/audit-log?actions=credential.created&limit=100", { headers: admin }))
      .body as AuditPage;
    const entry = audit.items.find((item) => item.targetId === credential.id);
    expect(entry?.remoteAddress).toBe("198.51.100.23");
  });

  describe("onError", () => {
    const failures: Array<{ error: TRPCError; path: string | undefined }> = [];
    let handle: ReturnType<typeof createRestHandler>;
    const onError: RestHandlerOptions["onError"] = (error, path) => failures.push({ error, path });

    beforeAll(() => {
      handle = createRestHandler({ core: h.core, onError });
    });

    const call = (method: string, path: string, body?: string) =>
      handle(
        new Request(`http://relaypost.test${REST_PREFIX}${path}`, {
          method,
          headers: { ...admin, "content-type": "application/json" },
          body,
        }),
        { remoteAddress: null },
      );

    it("is told of a failed call, with its error and the procedure's path", async () => {
      failures.length = 0;
      const response = await call("GET", "/credentials/00000000-0000-4000-8000-000000000000");
      expect(response.status).toBe(404);
      expect(failures.map(({ error, path }) => [error.code, path])).toEqual([["NOT_FOUND", "smtpCredentials.get"]]);
    });

    it("is given the JSON syntax error behind a refused body", async () => {
      failures.length = 0;
      expect((await call("POST", "/credentials", "{not json")).status).toBe(400);
      expect(failures).toHaveLength(1);
      expect(failures[0]?.error.code).toBe("PARSE_ERROR");
      expect(failures[0]?.error.cause).toBeInstanceOf(SyntaxError);
    });

    it("is not told of a call that succeeds", async () => {
      failures.length = 0;
      expect((await call("GET", "/credentials")).status).toBe(200);
      expect(failures).toEqual([]);
    });
  });
});
