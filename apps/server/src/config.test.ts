import { describe, expect, it } from "vitest";
import { databaseLocation, keyringOf, loadConfig } from "./config";

describe("relay configuration", () => {
  it("has no upstream by default, a 24-hour maximum age, five connections and no limit on each one's messages", () => {
    const config = loadConfig({});
    expect(config.RELAY_URL).toBeUndefined();
    expect(config.RELAY_MAX_AGE).toBe(24 * 60 * 60_000);
    expect(config.RELAY_MAX_CONNECTIONS).toBe(5);
    expect(config.RELAY_MAX_MESSAGES_PER_CONNECTION).toBeUndefined();
    expect(config.MESSAGE_RETENTION).toBe(30 * 24 * 60 * 60_000);
    expect(config.MESSAGE_BODY_RETENTION).toBe(7 * 24 * 60 * 60_000);
  });

  it("reads RELAY_URL, RELAY_MAX_AGE, RELAY_MAX_CONNECTIONS and RELAY_MAX_MESSAGES_PER_CONNECTION", () => {
    const config = loadConfig({
      RELAY_URL: "smtps://mailer:pw@relay.example.com",
      RELAY_MAX_AGE: "2h",
      RELAY_MAX_CONNECTIONS: "8",
      RELAY_MAX_MESSAGES_PER_CONNECTION: "50",
    });
    expect(config.RELAY_URL?.description).toBe("mailer@relay.example.com:465 (implicit TLS)");
    expect(config.RELAY_MAX_AGE).toBe(2 * 60 * 60_000);
    expect(config.RELAY_MAX_CONNECTIONS).toBe(8);
    expect(config.RELAY_MAX_MESSAGES_PER_CONNECTION).toBe(50);
  });

  it("refuses a per-connection message limit that is not a positive whole number", () => {
    for (const value of ["0", "-3", "2.5", "many"]) {
      expect(() => loadConfig({ RELAY_MAX_MESSAGES_PER_CONNECTION: value })).toThrow(
        /RELAY_MAX_MESSAGES_PER_CONNECTION/,
      );
    }
  });

  it("refuses a RELAY_URL it cannot use at start-up, naming it and not its password", () => {
    const load = () => loadConfig({ RELAY_URL: "smtp://mailer:hunter2-secret@relay.example.com?tls=maybe" });
    expect(load).toThrow(/RELAY_URL/);
    expect(load).not.toThrow(/hunter2-secret/);
  });
});

describe("the secret key for upstream passwords", () => {
  const key = Buffer.alloc(32, 7).toString("base64");
  const old = Buffer.alloc(32, 9).toString("base64");

  it("starts without RELAYPOST_SECRET_KEY, with no keyring", () => {
    expect(keyringOf(loadConfig({}))).toBeUndefined();
  });

  it("builds a keyring from the key and the retired ones, which opens what the retired key sealed", () => {
    const retired = keyringOf(loadConfig({ RELAYPOST_SECRET_KEY: old }));
    const rotated = keyringOf(loadConfig({ RELAYPOST_SECRET_KEY: key, RELAYPOST_SECRET_KEY_PREVIOUS: `${old},` }));
    const sealed = retired?.seal("upstream-pass", "org-1");
    expect(sealed && rotated?.open(sealed, "org-1")).toBe("upstream-pass");
    expect(rotated?.currentKeyId).not.toBe(retired?.currentKeyId);
  });

  it("refuses a key that is not 32 bytes of base64, naming the variable and not the value", () => {
    const short = Buffer.alloc(16, 1).toString("base64");
    const load = () => loadConfig({ RELAYPOST_SECRET_KEY: short });
    expect(load).toThrow(/RELAYPOST_SECRET_KEY/);
    expect(load).not.toThrow(short);
    expect(() => loadConfig({ RELAYPOST_SECRET_KEY: key, RELAYPOST_SECRET_KEY_PREVIOUS: "not a key" })).toThrow(
      /RELAYPOST_SECRET_KEY_PREVIOUS/,
    );
  });
});

describe("registration", () => {
  it("is open by default, so a new instance's first sign-up works as the README says", () => {
    expect(loadConfig({}).REGISTRATION).toBe("open");
  });

  it("reads invite and closed, and refuses any other mode naming the variable", () => {
    expect(loadConfig({ REGISTRATION: "invite" }).REGISTRATION).toBe("invite");
    expect(loadConfig({ REGISTRATION: "closed" }).REGISTRATION).toBe("closed");
    expect(() => loadConfig({ REGISTRATION: "invite-only" })).toThrow(/REGISTRATION/);
  });

  it("takes DATABASE_LISTEN_URL only beside DATABASE_URL, for LISTEN past a transaction pooler", () => {
    const direct = "postgres://relaypost@10.0.0.5:5432/relaypost";
    const pooled = "postgres://relaypost@10.0.0.6:6432/relaypost";
    expect(databaseLocation(loadConfig({ DATABASE_URL: pooled, DATABASE_LISTEN_URL: direct }))).toMatchObject({
      url: pooled,
      listenUrl: direct,
    });
    expect(() => loadConfig({ DATABASE_LISTEN_URL: direct })).toThrow(/DATABASE_LISTEN_URL: .*set DATABASE_URL too/);
  });
});
