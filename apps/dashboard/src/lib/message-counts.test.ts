import { describe, expect, test } from "vitest";
import { countAccepted, countsOf } from "./message-counts";

describe("messages sent per credential", () => {
  test("a credential the server left out has sent nothing", () => {
    expect(countsOf([], "alpha")).toEqual({ last24h: 0, last7d: 0 });
    expect(countsOf(undefined, "alpha")).toEqual({ last24h: 0, last7d: 0 });
  });

  test("an accepted message counts in both windows of its credential only", () => {
    const counts = [
      { credentialId: "alpha", last24h: 2, last7d: 9 },
      { credentialId: "beta", last24h: 0, last7d: 4 },
    ];
    const next = countAccepted(countAccepted(counts, "alpha"), "gamma");
    expect(countsOf(next, "alpha")).toEqual({ last24h: 3, last7d: 10 });
    expect(countsOf(next, "beta")).toEqual({ last24h: 0, last7d: 4 });
    expect(countsOf(next, "gamma")).toEqual({ last24h: 1, last7d: 1 });
    expect(countsOf(counts, "alpha")).toEqual({ last24h: 2, last7d: 9 });
  });
});
