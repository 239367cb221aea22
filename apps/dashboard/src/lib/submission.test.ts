import { TRPCClientError } from "@trpc/client";
import { createRoot } from "solid-js";
import { describe, expect, test } from "vitest";
import { createSubmission } from "./submission";

const refusal = (message: string, fieldErrors: Record<string, string[]>) =>
  TRPCClientError.from({ error: { message, code: -32600, data: { code: "BAD_REQUEST", fieldErrors } } });

const inRoot = <T>(make: () => T): T => createRoot(() => make());

describe("a form's submission state", () => {
  test("busy while its work runs, so it is not sent twice; idle again afterwards", async () => {
    const submission = inRoot(() => createSubmission());
    let finish = () => {};
    const running = submission.run(() => new Promise<void>((resolve) => (finish = resolve)));
    expect(submission.busy()).toBe(true);
    finish();
    await running;
    expect(submission.busy()).toBe(false);
    expect(submission.error()).toBeNull();
  });

  test("a refusal naming one of the form's inputs shows beside it, not as the form's message", async () => {
    const submission = inRoot(() => createSubmission(["username"]));
    await submission.run(async () => {
      throw refusal("Username taken", { username: ["Already used in this organization"] });
    });
    expect(submission.fieldError("username")).toBe("Already used in this organization");
    expect(submission.error()).toBeNull();
    submission.clearFieldError("username");
    expect(submission.fieldError("username")).toBeUndefined();
  });

  test("a refusal about an input the form does not have is the form's message", async () => {
    const submission = inRoot(() => createSubmission(["name"]));
    await submission.run(async () => {
      throw refusal("Role not allowed", { role: ["Not allowed"] });
    });
    expect(submission.fieldError("role")).toBeUndefined();
    expect(submission.error()).toBe("Role not allowed");
  });

  test("anything else than a server answer reads as a connection problem, and the next run clears it", async () => {
    const submission = inRoot(() => createSubmission());
    await submission.run(async () => {
      throw new TypeError("Failed to fetch");
    });
    expect(submission.error()).toBe("Something went wrong. Check your connection and try again.");
    await submission.run(async () => {});
    expect(submission.error()).toBeNull();
  });
});
