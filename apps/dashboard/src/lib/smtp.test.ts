import { describe, expect, test } from "vitest";
import { connectionFor, PASSWORD_VARIABLE, SNIPPET_KINDS, type SnippetKind, snippet, usernameProblem } from "./smtp";

describe("the create form's username check, as the person types", () => {
  test("blank is fine (one is generated), as is a valid name", () => {
    expect(usernameProblem("  ")).toBeNull();
    expect(usernameProblem("rails_production")).toBeNull();
  });

  test("each broken rule is named, with how far off it is", () => {
    expect(usernameProblem("bad-name")).toBe("Use only letters, numbers and underscores");
    expect(usernameProblem("ab")).toBe("At least 4 characters (2 more)");
    expect(usernameProblem("a".repeat(53))).toBe("At most 50 characters (3 too many)");
  });
});

describe("connection snippets", () => {
  const settings = { host: "smtp.example.org", port: 2587, implicitTlsPort: 2465, security: "" };
  const starttls = connectionFor(settings, "starttls", "rails_production");
  const implicit = connectionFor(settings, "implicit", "rails_production");

  /** What in each snippet says which TLS is used: STARTTLS first, implicit TLS second. */
  const TLS_MARKERS: Record<SnippetKind, [string, string]> = {
    env: ["SMTP_SECURE=false", "SMTP_SECURE=true"],
    nodemailer: ["requireTLS: true", "secure: true"],
    rails: ["enable_starttls: true", "  tls: true"],
    django: ["EMAIL_USE_TLS = True", "EMAIL_USE_SSL = True"],
    smtplib: ["smtp.starttls()", "smtplib.SMTP_SSL("],
    phpmailer: ["ENCRYPTION_STARTTLS", "ENCRYPTION_SMTPS"],
  };

  test.each(SNIPPET_KINDS)("%s names the host, the port, the username and the TLS of the connection", (kind) => {
    const [starttlsMarker, implicitMarker] = TLS_MARKERS[kind];
    const plain = snippet(kind, starttls);
    expect(plain).toContain("smtp.example.org");
    expect(plain).toMatch(/\b2587\b/);
    expect(plain).not.toMatch(/\b2465\b/);
    expect(plain).toContain("rails_production");
    expect(plain).toContain(starttlsMarker);
    expect(plain).not.toContain(implicitMarker);
    const tls = snippet(kind, implicit);
    expect(tls).toMatch(/\b2465\b/);
    expect(tls).not.toMatch(/\b2587\b/);
    expect(tls).toContain(implicitMarker);
    expect(tls).not.toContain(starttlsMarker);
  });

  test.each(SNIPPET_KINDS)("%s takes the password from SMTP_PASSWORD and holds none", (kind) => {
    for (const connection of [starttls, implicit]) {
      const text = snippet(kind, connection);
      expect(text).toContain(PASSWORD_VARIABLE);
      expect(text).not.toMatch(/rpsmtp_/);
      expect(text).not.toMatch(/pass(word)?\s*[:=]\s*["'][^"']/i);
    }
  });

  test("a server without an implicit-TLS port gives STARTTLS on its submission port whatever is asked", () => {
    expect(connectionFor({ ...settings, implicitTlsPort: null }, "implicit", "app_1")).toEqual({
      host: "smtp.example.org",
      port: 2587,
      tls: "starttls",
      username: "app_1",
    });
  });
});
