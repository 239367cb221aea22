import { readFileSync } from "node:fs";
import { operatorScope } from "@relaypost/core";
import { RawSmtpClient } from "@relaypost/smtp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing";

const TOKEN = "metrics-scrape-token-1234567890";

/** `name{labels} value` lines of a Prometheus text exposition, keyed by name and labels as written. */
function samples(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const cut = line.lastIndexOf(" ");
    values.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return values;
}

describe("/metrics", () => {
  let server: TestServer;
  let scrape: () => Promise<string>;

  beforeAll(async () => {
    server = await startTestServer({ config: { METRICS_TOKEN: TOKEN, SMTP_ALLOW_INSECURE_LOOPBACK_AUTH: true } });
    scrape = async () => {
      const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain");
      return response.text();
    };
  });
  afterAll(() => server.stop());

  it("answers 401 without the bearer token it is configured with, or with a wrong one", async () => {
    const none = await fetch(`${server.url}/metrics`);
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect([none.status, wrong.status]).toEqual([401, 401]);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    expect(await none.text()).not.toContain("relaypost_");
  });

  it("counts SMTP logins by outcome and reason, with their latency, never naming the credential", async () => {
    const { organization } = await server.core.organizations.create({
      name: "Metrics",
      owner: { email: "metrics-owner@example.com", password: "owner-password-123" },
    });
    const scope = operatorScope(organization.id, "test");
    const { credential, password } = await server.core.smtpCredentials.create(scope, { username: "metrics_app" });
    const before = samples(await scrape());
    for (const attempt of [password, "not-a-relaypost-password"]) {
      const client = await RawSmtpClient.connect(server.smtpPort);
      await client.command("EHLO app.example");
      await client.authPlain(credential.username, attempt);
      client.destroy();
    }
    const text = await scrape();
    const after = samples(text);
    const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    expect(delta('relaypost_smtp_logins_total{outcome="accepted",reason="",attributed=""}')).toBe(1);
    expect(delta('relaypost_smtp_logins_total{outcome="refused",reason="malformed_password",attributed="true"}')).toBe(
      1,
    );
    expect(delta('relaypost_smtp_login_duration_seconds_count{outcome="accepted"}')).toBe(1);
    expect(delta('relaypost_smtp_login_duration_seconds_count{outcome="refused"}')).toBe(1);
    expect(delta('relaypost_smtp_verification_cache_total{result="miss"}')).toBe(2);
    expect(after.get('relaypost_argon2_queue_depth{class="smtp"}')).toBe(0);
    expect(after.get("relaypost_websocket_connections")).toBe(0);
    expect(after.get("relaypost_process_resident_memory_bytes")).toBeGreaterThan(0);
    // The logins read the credential: statements the driver sent since the first scrape.
    expect(delta("relaypost_db_queries_total")).toBeGreaterThan(0);
    expect(after.get("relaypost_db_pool_connections")).toBe(server.database.driver === "pglite" ? 1 : 10);
    expect(text).not.toContain(credential.username);
    expect(text).not.toContain(password);
  });

  it("exports every metric docs/operations.md lists, and lists every one it exports", async () => {
    const text = await scrape();
    const exported = new Set(
      [...text.matchAll(/^# TYPE (relaypost_\S+)/gm)]
        .map((match) => match[1] ?? "")
        // Node's process metrics (prom-client's defaults) are documented as a family, not one by one.
        .filter((name) => !/^relaypost_(process|nodejs)_/.test(name)),
    );
    const operations = readFileSync(new URL("../../../../docs/operations.md", import.meta.url), "utf8");
    const documented = new Set([...operations.matchAll(/^\| `(relaypost_[a-z0-9_]+)`/gm)].map((match) => match[1]));
    expect([...exported].sort()).toEqual([...documented].sort());
  });
});
