import { describe, expect, test } from "vitest";
import { checkDraft, draftOf } from "./restrictions-draft";

const saved = {
  allowedSenders: ["example.com", "*.acme.io"],
  allowedIps: ["203.0.113.0/24"],
  expiresAt: new Date(2026, 11, 24, 18, 30),
  limits: { perMinute: 10, recipientsPerMessage: 50 },
};

describe("the restrictions form", () => {
  test("starts from the saved restrictions and, unchanged, sends them back as they were", () => {
    const draft = draftOf(saved);
    expect(draft).toEqual({
      allowedSenders: "example.com\n*.acme.io",
      allowedIps: "203.0.113.0/24",
      expiresAt: "2026-12-24T18:30",
      limits: { perMinute: "10", perHour: "", perDay: "", recipientsPerMessage: "50" },
    });
    expect(checkDraft(draft)).toEqual({ restrictions: saved });
  });

  test("blank fields mean no restriction: any sender, any address, never expires, no limits", () => {
    const draft = draftOf({ allowedSenders: [], allowedIps: [], expiresAt: null, limits: {} });
    expect(draft.expiresAt).toBe("");
    expect(checkDraft(draft)).toEqual({
      restrictions: { allowedSenders: [], allowedIps: [], expiresAt: null, limits: {} },
    });
  });

  test("each problem is reported on its own field, and nothing is sent", () => {
    const draft = draftOf(saved);
    draft.allowedSenders = "example.com\nnot a sender";
    draft.limits.perHour = "0";
    draft.limits.perDay = "2.5";
    const result = checkDraft(draft);
    expect(result).not.toHaveProperty("restrictions");
    expect(result).toEqual({
      problems: {
        allowedSenders: expect.stringContaining("“not”"),
        perHour: "A limit must be at least 1",
        perDay: "A limit must be a whole number",
      },
    });
  });

  test("a range the browser cannot judge (CIDR) is left for the server", () => {
    const draft = draftOf(saved);
    draft.allowedIps = "10.0.0.0/99";
    expect(checkDraft(draft)).toMatchObject({ restrictions: { allowedIps: ["10.0.0.0/99"] } });
  });
});
