import { describe, expect, it } from "vitest";
import { asProblem, PROBLEM_CONTENT_TYPE, problemOf, problemResponse, problemSchema } from "./problem";

describe("problemOf, the problem of an error the REST handler answered", () => {
  it("is typed about:blank and titled with the HTTP status's phrase, the message as its detail", () => {
    const problem = problemOf(404, { code: "NOT_FOUND", message: "Credential not found", data: {} });
    expect(problem).toEqual({
      type: "about:blank",
      title: "Not Found",
      status: 404,
      detail: "Credential not found",
      code: "NOT_FOUND",
    });
    expect(problemSchema.parse(problem)).toEqual(problem);
  });

  it("has no errors key when no field was refused", () => {
    expect(problemOf(403, { code: "FORBIDDEN", message: "This needs the admin role" })).not.toHaveProperty("errors");
  });

  it('titles a status without a phrase "Error", and says that when there is no message either', () => {
    expect(problemOf(599, { code: "INTERNAL_SERVER_ERROR" })).toEqual({
      type: "about:blank",
      title: "Error",
      status: 599,
      detail: "Error",
      code: "INTERNAL_SERVER_ERROR",
    });
  });

  it("lists the fields a procedure refused in data.fieldErrors, one error per message", () => {
    const problem = problemOf(409, {
      code: "CONFLICT",
      message: 'The username "mailer" is already taken',
      data: { fieldErrors: { username: ["Taken", "Too plain"], "limits.perHour": ["Too low"] } },
    });
    expect(problem.detail).toBe('The username "mailer" is already taken');
    expect(problem.errors).toEqual([
      { field: "username", detail: "Taken" },
      { field: "username", detail: "Too plain" },
      { field: "limits.perHour", detail: "Too low" },
    ]);
  });

  it("describes refused input from its issues, not the handler's generic message, with no data at all", () => {
    const problem = problemOf(400, {
      code: "BAD_REQUEST",
      message: "Input validation failed",
      issues: [{ code: "custom", path: ["limits", "perHour"], message: "A limit must be at least 1", input: 0 }],
    });
    expect(problem).toEqual({
      type: "about:blank",
      title: "Bad Request",
      status: 400,
      detail: "Invalid input: limits.perHour: A limit must be at least 1",
      code: "BAD_REQUEST",
      errors: [{ field: "limits.perHour", detail: "A limit must be at least 1" }],
    });
  });

  it("says why an invitation link cannot be used", () => {
    const problem = problemOf(404, {
      code: "NOT_FOUND",
      message: "This invitation has expired",
      data: { invitationUnusable: "expired" },
    });
    expect(problem.reason).toBe("expired");
  });

  it("is an internal server error when the body is not the handler's error", () => {
    expect(problemOf(502, "<html>Bad gateway</html>")).toEqual({
      type: "about:blank",
      title: "Bad Gateway",
      status: 502,
      detail: "Bad Gateway",
      code: "INTERNAL_SERVER_ERROR",
    });
  });
});

describe("asProblem", () => {
  it("passes a successful answer through as it is", async () => {
    const ok = new Response(JSON.stringify({ id: "x" }), { headers: { "content-type": "application/json" } });
    expect(await asProblem(ok)).toBe(ok);
  });

  it("rewrites an error answer as application/problem+json, keeping its status and other headers", async () => {
    const refused = new Response(JSON.stringify({ code: "TOO_MANY_REQUESTS", message: "Slow down" }), {
      status: 429,
      headers: { "content-type": "application/json", "retry-after": "30" },
    });
    const problem = await asProblem(refused);
    expect(problem.status).toBe(429);
    expect(problem.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(problem.headers.get("retry-after")).toBe("30");
    expect(await problem.json()).toEqual({
      type: "about:blank",
      title: "Too Many Requests",
      status: 429,
      detail: "Slow down",
      code: "TOO_MANY_REQUESTS",
    });
  });

  it("answers an error whose body is not JSON as an internal server error", async () => {
    const problem = await asProblem(new Response("upstream exploded", { status: 502 }));
    expect(problem.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(await problem.json()).toMatchObject({ status: 502, title: "Bad Gateway", code: "INTERNAL_SERVER_ERROR" });
  });
});

describe("problemResponse, a problem made outside the procedures", () => {
  it("answers the status with an application/problem+json problem, keeping the headers given", async () => {
    const response = problemResponse(413, "PAYLOAD_TOO_LARGE", "The body is larger than 1 MiB", {
      "retry-after": "5",
    });
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.json()).toEqual({
      type: "about:blank",
      title: "Payload Too Large",
      status: 413,
      detail: "The body is larger than 1 MiB",
      code: "PAYLOAD_TOO_LARGE",
    });
  });

  it('titles a status without a phrase "Error", typed as a problem with no headers given', async () => {
    const response = problemResponse(599, "INTERNAL_SERVER_ERROR", "Something broke");
    expect(response.status).toBe(599);
    expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(await response.json()).toMatchObject({ type: "about:blank", title: "Error", status: 599 });
  });
});
