import { describe, expect, it } from "vitest";
import { loadConfig } from "./config";

describe("relay configuration", () => {
  it("has no upstream by default, a 24-hour maximum age and five connections", () => {
    const config = loadConfig({});
    expect(config.RELAY_URL).toBeUndefined();
    expect(config.RELAY_MAX_AGE).toBe(24 * 60 * 60_000);
    expect(config.RELAY_MAX_CONNECTIONS).toBe(5);
    expect(config.MESSAGE_RETENTION).toBe(30 * 24 * 60 * 60_000);
    expect(config.MESSAGE_BODY_RETENTION).toBe(7 * 24 * 60 * 60_000);
  });

  it("reads RELAY_URL, RELAY_MAX_AGE and RELAY_MAX_CONNECTIONS", () => {
    const config = loadConfig({
      RELAY_URL: "smtps://mailer:pw@relay.example.com",
      RELAY_MAX_AGE: "2h",
      RELAY_MAX_CONNECTIONS: "8",
    });
    expect(config.RELAY_URL?.description).toBe("mailer@relay.example.com:465 (implicit TLS)");
    expect(config.RELAY_MAX_AGE).toBe(2 * 60 * 60_000);
    expect(config.RELAY_MAX_CONNECTIONS).toBe(8);
  });

  it("refuses a RELAY_URL it cannot use at start-up, naming it and not its password", () => {
    const load = () => loadConfig({ RELAY_URL: "smtp://mailer:hunter2-secret@relay.example.com?tls=maybe" });
    expect(load).toThrow(/RELAY_URL/);
    expect(load).not.toThrow(/hunter2-secret/);
  });
});
