import { EVENT_TYPES } from "@relaypost/contract";
import { describe, expect, test } from "vitest";
import { describeAnswer, describeEventTypes, endpointState, eventTypeGroups } from "./webhooks";

describe("an endpoint's state", () => {
  test("on is Active, off by hand is Off, off by RelayPost names the reason", () => {
    expect(endpointState({ enabled: true, disabledReason: null }).label).toBe("Active");
    expect(endpointState({ enabled: false, disabledReason: null })).toEqual({ kind: "off", label: "Off" });
    expect(endpointState({ enabled: false, disabledReason: "HTTP 500 for 3 days" })).toEqual({
      kind: "failed",
      label: "Turned off after failures: HTTP 500 for 3 days",
    });
  });
});

describe("event types", () => {
  test("none chosen reads as all events, else the chosen ones", () => {
    expect(describeEventTypes([])).toBe("All events");
    expect(describeEventTypes(["credential.created", "message.failed"])).toBe("credential.created, message.failed");
  });

  test("are grouped by subject, every type exactly once, in the contract's order", () => {
    const groups = eventTypeGroups();
    expect(groups.flatMap((g) => g.types)).toEqual([...EVENT_TYPES]);
    expect(groups.map((g) => g.name)).toEqual([...new Set(groups.map((g) => g.name))]);
    expect(groups.find((g) => g.name === "credential")?.types).toContain("credential.created");
  });
});

describe("a delivery's answer", () => {
  test("the status with the start of the body on one line", () => {
    expect(describeAnswer({ lastStatus: 500, lastResponse: "Internal\n  error" })).toBe("HTTP 500: Internal error");
    expect(describeAnswer({ lastStatus: 200, lastResponse: "" })).toBe("HTTP 200");
  });

  test("unreached: why; not tried yet: says so", () => {
    expect(describeAnswer({ lastStatus: null, lastResponse: "connect ECONNREFUSED 127.0.0.1:9" })).toBe(
      "connect ECONNREFUSED 127.0.0.1:9",
    );
    expect(describeAnswer({ lastStatus: null, lastResponse: null })).toBe("No attempt yet");
  });
});
