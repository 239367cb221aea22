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
    expect(checkDraft(draft, saved)).toEqual({ restrictions: saved });
  });

  test("blank fields mean no restriction: any sender, any address, never expires, no limits", () => {
    const draft = draftOf(saved);
    Object.assign(draft, { allowedSenders: " ", allowedIps: "", expiresAt: "" });
    draft.limits = { perMinute: "", perHour: "", perDay: "", recipientsPerMessage: "" };
    expect(checkDraft(draft, saved)).toEqual({
      restrictions: { allowedSenders: [], allowedIps: [], expiresAt: null, limits: {} },
    });
  });

  test("each problem is reported on its own field, and nothing is sent", () => {
    const draft = draftOf(saved);
    draft.allowedSenders = "example.com\nnot a sender";
    draft.limits.perHour = "0";
    draft.limits.perDay = "2.5";
    const result = checkDraft(draft, saved);
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
    expect(checkDraft(draft, saved)).toMatchObject({ restrictions: { allowedIps: ["10.0.0.0/99"] } });
  });

  test("an expiry left as shown keeps its exact saved time; a changed one is read to the minute", () => {
    const exact = { ...saved, expiresAt: new Date(2026, 11, 24, 18, 30, 45, 500) };
    const draft = draftOf(exact);
    expect(draft.expiresAt).toBe("2026-12-24T18:30");
    expect(checkDraft(draft, exact)).toMatchObject({ restrictions: { expiresAt: exact.expiresAt } });
    draft.expiresAt = "2026-12-25T08:00";
    expect(checkDraft(draft, exact)).toMatchObject({ restrictions: { expiresAt: new Date(2026, 11, 25, 8, 0) } });
  });
});
