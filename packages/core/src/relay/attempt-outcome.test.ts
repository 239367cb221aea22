import type { RecipientResult } from "@relaypost/db/schema";
import { describe, expect, it } from "vitest";
import { applyAnswer, decideFate, exponentialBackoff } from "./attempt-outcome";

const pending = (address: string): RecipientResult => ({ address, state: "pending", reply: null });
const created = new Date("2026-01-01T00:00:00Z");
const minutes = (n: number) => new Date(created.getTime() + n * 60_000);
const HOUR = 60 * 60_000;

describe("an attempt's answer, per recipient", () => {
  it("marks the recipients the upstream took as relayed, and keeps refused ones apart by their code", () => {
    const outcome = applyAnswer([pending("a@x"), pending("b@x"), pending("c@x")], {
      kind: "sent",
      response: "250 ok",
      accepted: ["a@x"],
      refused: [
        { address: "b@x", response: "550 no such user", responseCode: 550 },
        { address: "c@x", response: "452 mailbox full", responseCode: 452 },
      ],
    });
    expect(outcome.recipients).toEqual([
      { address: "a@x", state: "relayed", reply: "250 ok" },
      { address: "b@x", state: "failed", reply: "550 no such user" },
      { address: "c@x", state: "pending", reply: "452 mailbox full" },
    ]);
  });

  it("matches the addresses nodemailer reports back in punycode or another case to the recipients stored", () => {
    const outcome = applyAnswer([pending("Anna@bücher.example"), pending("bo@Ünï.example")], {
      kind: "sent",
      response: "250 ok",
      accepted: ["Anna@xn--bcher-kva.example"],
      refused: [{ address: "bo@xn--n-nga1b.example", response: "550 unknown", responseCode: 550 }],
    });
    expect(outcome.recipients.map((r) => r.state)).toEqual(["relayed", "failed"]);
  });

  it("applies a reply to the whole transaction to every pending recipient, and leaves settled ones alone", () => {
    const relayed: RecipientResult = { address: "a@x", state: "relayed", reply: "250 ok" };
    const refused = applyAnswer([relayed, pending("b@x")], {
      kind: "refused",
      response: "554 spam",
      responseCode: 554,
      refused: [],
    });
    expect(refused.recipients).toEqual([relayed, { address: "b@x", state: "failed", reply: "554 spam" }]);
    const deferred = applyAnswer([pending("b@x")], {
      kind: "refused",
      response: "421 busy",
      responseCode: 421,
      refused: [],
    });
    expect(deferred.recipients).toEqual([{ address: "b@x", state: "pending", reply: "421 busy" }]);
  });

  it("takes no verdict from a failed connection or login: the recipients stay pending", () => {
    const outcome = applyAnswer([pending("a@x")], {
      kind: "refused",
      response: "535 authentication failed",
      responseCode: null,
      refused: [],
    });
    expect(outcome).toEqual({
      recipients: [{ address: "a@x", state: "pending", reply: "535 authentication failed" }],
      reply: "535 authentication failed",
    });
  });
});

describe("a message's fate after an attempt", () => {
  const options = (now: Date, retryAt: Date) => ({ createdAt: created, now, maxAgeMs: 24 * HOUR, retryAt });

  it("defers pending recipients to the retry time, but never past the maximum age", () => {
    expect(decideFate([pending("a@x")], options(minutes(1), minutes(2)))).toEqual({
      status: "deferred",
      recipients: [pending("a@x")],
      retryAt: minutes(2),
    });
    const late = decideFate([pending("a@x")], options(minutes(23 * 60 + 50), minutes(25 * 60)));
    expect(late).toMatchObject({ status: "deferred", retryAt: minutes(24 * 60) });
  });

  it("fails what is still pending at the maximum age, as expired", () => {
    expect(decideFate([pending("a@x")], options(minutes(24 * 60), minutes(25 * 60)))).toEqual({
      status: "failed",
      recipients: [{ address: "a@x", state: "failed", reply: null }],
      expired: true,
    });
  });

  it("is relayed once nothing is pending and one recipient took it, failed when none did", () => {
    const relayed: RecipientResult = { address: "a@x", state: "relayed", reply: "250" };
    const failed: RecipientResult = { address: "b@x", state: "failed", reply: "550" };
    expect(decideFate([relayed, failed], options(minutes(1), minutes(2))).status).toBe("relayed");
    expect(decideFate([failed], options(minutes(1), minutes(2)))).toMatchObject({ status: "failed", expired: false });
  });
});

describe("backoff", () => {
  it("doubles from the base up to the cap, each delay between half and all of it", () => {
    const low = exponentialBackoff({ baseMs: 1_000, capMs: 8_000, random: () => 0 });
    const high = exponentialBackoff({ baseMs: 1_000, capMs: 8_000, random: () => 1 });
    expect([1, 2, 3, 4, 5, 10].map(high)).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    expect([1, 2, 3, 4].map(low)).toEqual([500, 1_000, 2_000, 4_000]);
  });
});
