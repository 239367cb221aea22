import { describe, expect, test } from "vitest";
import type { LoginEvent } from "./live";
import { CHART_MINUTES, createLoginCounts } from "./login-counts";

const noon = Date.parse("2026-11-01T12:00:00Z");

const login = (
  type: LoginEvent["type"],
  at: number,
  credentialId: string | null,
  count: number | undefined = undefined,
): LoginEvent => ({
  id: 1,
  organizationId: "org",
  ...(type === "auth.succeeded"
    ? { type, data: { method: "PLAIN", tls: true } }
    : { type, data: { reason: "bad_password", method: "PLAIN", tls: true, ...(count ? { count } : {}) } }),
  credentialId,
  username: null,
  remoteAddress: "192.0.2.1",
  createdAt: new Date(at),
});

describe("logins per minute for the chart", () => {
  test("accepted and rejected logins land in their minute, for the credential and the organization", () => {
    const counts = createLoginCounts();
    counts.add(login("auth.succeeded", noon + 5_000, "a"));
    counts.add(login("auth.rejected", noon + 50_000, "a"));
    counts.add(login("auth.rejected", noon - 30_000, null));
    const organization = counts.perMinute(undefined, noon + 59_000);
    expect(organization).toHaveLength(CHART_MINUTES);
    expect(organization.slice(-2)).toEqual([
      { minute: noon - 60_000, accepted: 0, rejected: 1 },
      { minute: noon, accepted: 1, rejected: 1 },
    ]);
    expect(counts.perMinute("a", noon + 59_000).at(-2)).toEqual({ minute: noon - 60_000, accepted: 0, rejected: 0 });
  });

  test("a flood of refusals reported as one counted event counts every refusal", () => {
    const counts = createLoginCounts();
    counts.add(login("auth.rejected", noon, "a", 250));
    expect(counts.perMinute("a", noon).at(-1)?.rejected).toBe(250);
  });

  test("minutes older than the chart are forgotten", () => {
    const counts = createLoginCounts();
    counts.add(login("auth.succeeded", noon - CHART_MINUTES * 60_000, "a"));
    counts.add(login("auth.succeeded", noon, "a"));
    const total = counts.perMinute("a", noon).reduce((sum, m) => sum + m.accepted, 0);
    expect(total).toBe(1);
  });

  test("what a screen holds never changes underneath it", () => {
    const counts = createLoginCounts();
    counts.add(login("auth.succeeded", noon, "a"));
    const before = counts.perMinute("a", noon);
    counts.add(login("auth.succeeded", noon, "a"));
    expect(before.at(-1)?.accepted).toBe(1);
    expect(counts.perMinute("a", noon).at(-1)?.accepted).toBe(2);
  });
});
