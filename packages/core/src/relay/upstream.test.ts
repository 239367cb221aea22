import { describe, expect, it } from "vitest";
import { durationSchema, relayUrlSchema, Upstream } from "./upstream";

const SECRET = "s3cret:p@ss/word";
const ONE = { maxConnections: 1, maxMessagesPerConnection: 1 };
const withSecret = (rest: string) => `smtp://mailer:${encodeURIComponent(SECRET)}@${rest}`;

describe("RELAY_URL", () => {
  it("reads smtp:// as STARTTLS required, on port 587 unless another is given, with its login", () => {
    const upstream = relayUrlSchema.parse(withSecret("relay.example.com"));
    expect(upstream.settings).toEqual({
      host: "relay.example.com",
      port: 587,
      tls: "starttls",
      tlsVerify: true,
      user: "mailer",
    });
    expect(upstream.transportOptions({ maxConnections: 3, maxMessagesPerConnection: 40 })).toMatchObject({
      pool: true,
      maxConnections: 3,
      maxMessages: 40,
      secure: false,
      requireTLS: true,
      ignoreTLS: false,
      tls: { rejectUnauthorized: true },
      auth: { user: "mailer", pass: SECRET },
    });
  });

  it("reads smtps:// as implicit TLS on 465, tls=none as plaintext and tlsVerify=false as a self-signed upstream", () => {
    expect(relayUrlSchema.parse("smtps://relay.example.com").transportOptions(ONE)).toMatchObject({
      port: 465,
      secure: true,
      requireTLS: false,
    });
    expect(relayUrlSchema.parse("smtp://127.0.0.1:2525?tls=none").transportOptions(ONE)).toMatchObject({
      port: 2525,
      secure: false,
      requireTLS: false,
      ignoreTLS: true,
      auth: undefined,
    });
    expect(relayUrlSchema.parse("smtp://[::1]:25?tlsVerify=false").settings).toMatchObject({
      host: "::1",
      tlsVerify: false,
    });
  });

  it.each([
    ["not a URL", "relay example", "RELAY_URL is not a URL"],
    ["another scheme", "http://relay.example.com", "RELAY_URL must start with smtp:// or smtps://"],
    ["a path", withSecret("relay.example.com/x"), "RELAY_URL must not have a path"],
    ["an unknown parameter", withSecret("relay.example.com?tls=opportunistic"), "RELAY_URL: tls may only be none"],
    ["a parameter it does not know", withSecret("relay.example.com?verify=no"), "unknown parameter verify"],
    ["tls=none with smtps", "smtps://relay.example.com?tls=none", "contradicts smtps://"],
    ["a fragment", withSecret("relay.example.com#x"), "RELAY_URL must not have a fragment"],
    ["no host", "smtp://", "RELAY_URL names no host"],
    [
      "tlsVerify that is not a boolean",
      withSecret("relay.example.com?tlsVerify=maybe"),
      "tlsVerify must be true or false",
    ],
    [
      "a password without a user",
      `smtp://:${encodeURIComponent(SECRET)}@relay.example.com`,
      "has a password but no user",
    ],
  ])("refuses %s with a message naming RELAY_URL and never the password", (_, url, message) => {
    const result = relayUrlSchema.safeParse(url);
    expect(result.success).toBe(false);
    const text = result.error?.issues.map((i) => i.message).join("; ") ?? "";
    expect(text).toContain(message);
    expect(text).toContain("RELAY_URL");
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(encodeURIComponent(SECRET));
  });

  it("describes each kind of upstream by its protection, with its user only when it has one", () => {
    const described = (url: string) => relayUrlSchema.parse(url).description;
    expect(described("smtp://relay.example.com")).toBe("relay.example.com:587 (STARTTLS required)");
    expect(described("smtps://mailer:pw@relay.example.com")).toBe("mailer@relay.example.com:465 (implicit TLS)");
    expect(described("smtps://relay.example.com?tlsVerify=false")).toBe(
      "relay.example.com:465 (implicit TLS, certificate not verified)",
    );
    expect(described("smtp://relay.example.com/?tlsVerify=true")).toBe("relay.example.com:587 (STARTTLS required)");
    // No certificate to verify on a plaintext upstream.
    expect(described("smtp://127.0.0.1:2525?tls=none&tlsVerify=false")).toBe("127.0.0.1:2525 (plaintext)");
  });

  it("describes the upstream for logs and serializes without the password", () => {
    const upstream = relayUrlSchema.parse(withSecret("relay.example.com:2587?tlsVerify=false"));
    expect(upstream.description).toBe("mailer@relay.example.com:2587 (STARTTLS required, certificate not verified)");
    for (const shown of [String(upstream), JSON.stringify({ upstream }), `${upstream}`]) {
      expect(shown).not.toContain(SECRET);
      expect(shown).toContain("relay.example.com:2587");
    }
  });
});

describe("RELAY_MAX_AGE", () => {
  it.each([
    ["24h", 86_400_000],
    ["30m", 1_800_000],
    ["90s", 90_000],
    ["2d", 172_800_000],
    ["3600", 3_600_000],
  ])("reads %s", (value, ms) => {
    expect(durationSchema.parse(value)).toBe(ms);
  });

  it.each(["", "0", "1w", "-5m", "1.5h"])("refuses %j", (value) => {
    expect(durationSchema.safeParse(value).success).toBe(false);
  });
});

describe("an upstream's reply shown to members", () => {
  it("is shown as it is when the upstream has no password", () => {
    const upstream = new Upstream({ host: "h", port: 25, tls: "none", tlsVerify: true, user: undefined }, undefined);
    expect(upstream.redact("550 no such user")).toBe("550 no such user");
  });

  it("has the password and its AUTH PLAIN and LOGIN encodings cut out", () => {
    const password = "echoed-secret-77";
    const upstream = new Upstream({ host: "h", port: 587, tls: "starttls", tlsVerify: true, user: "u" }, password);
    const plain = Buffer.from(`\0u\0${password}`).toString("base64");
    const login = Buffer.from(password).toString("base64");
    const redacted = upstream.redact(`535 no: ${password} / ${plain} / ${login}`);
    expect(redacted).toBe("535 no: [redacted] / [redacted] / [redacted]");
  });
});
