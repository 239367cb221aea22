import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../actor";
import { createRuntime, type FaultReporter, type Runtime } from "../runtime";
import { formatSmtpPassword, generateLookupId, parseSmtpPassword } from "../smtp-credentials/password";

const session = (remoteAddress: string) => ({ remoteAddress, method: "PLAIN", tls: true });

/** A database, its runtime (throttle delays shortened) and one organization with one credential. */
async function loginFixture(onError?: FaultReporter) {
  const database: TestDatabase = await createTestDatabase();
  const runtime = await createRuntime(database, {
    smtpThrottle: { delayAfter: 1, blockAfter: 2, baseDelayMs: 1 },
    ...(onError ? { onError } : {}),
  });
  const { organization } = await runtime.core.organizations.create({
    name: "Login",
    owner: { email: "owner@login.test", password: "owner-password-1" },
  });
  const scope = { organizationId: organization.id, actor: systemActor("test") };
  const created = await runtime.core.smtpCredentials.create(scope, {});
  const credential = { id: created.credential.id, username: created.credential.username, password: created.password };
  return { database, runtime, credential, organizationId: organization.id };
}

describe("the SMTP login use case", () => {
  let database: TestDatabase;
  let runtime: Runtime;
  let credential: { id: string; username: string; password: string };
  let organizationId: string;

  beforeAll(async () => {
    ({ database, runtime, credential, organizationId } = await loginFixture());
  });
  afterAll(async () => {
    await runtime.close();
    await database.destroy();
  });

  it("accepts the right password with the credential's grant", async () => {
    const outcome = await runtime.smtpLogin.login(credential, session("192.0.2.1"));
    expect(outcome).toMatchObject({ kind: "accepted", grant: { username: credential.username } });
  });

  /** The credential's events of `type` from `remoteAddress`, once the publisher has written what it holds. */
  async function eventsFrom(type: "auth.succeeded" | "auth.rejected", remoteAddress: string) {
    await runtime.publisher.flush();
    const { events } = await runtime.core.events.recent({ organizationId, types: [type], limit: 100 });
    return events.filter((event) => event.remoteAddress === remoteAddress);
  }

  it("publishes the success with the session's method and TLS, and notes the credential's last use", async () => {
    // A credential of this test's own: another test's login of the shared one may still be on its way to the row.
    const created = await runtime.core.smtpCredentials.create({ organizationId, actor: systemActor("test") }, {});
    const credential = { id: created.credential.id, username: created.credential.username };
    const before = await runtime.core.smtpCredentials.get(organizationId, credential.id);
    expect(before.lastUsedAt).toBeNull();
    const { username } = credential;
    const { password } = created;
    await runtime.smtpLogin.login({ username, password }, { remoteAddress: "192.0.2.6", method: "LOGIN", tls: false });
    expect(await eventsFrom("auth.succeeded", "192.0.2.6")).toEqual([
      expect.objectContaining({
        credentialId: credential.id,
        username: credential.username,
        data: { method: "LOGIN", tls: false },
      }),
    ]);
    await runtime.lastUsed.flush();
    const after = await runtime.core.smtpCredentials.get(organizationId, credential.id);
    expect(after.lastUsedAt).toBeInstanceOf(Date);
  });

  it("refuses a wrong password, attributed when the password or else the username names a credential", async () => {
    const lookupId = parseSmtpPassword(credential.password)?.lookupId ?? "";
    const stale = { username: credential.username, password: formatSmtpPassword(lookupId) };
    const unknown = { username: credential.username, password: formatSmtpPassword(generateLookupId()) };
    const nobody = { username: "nobody_has_this", password: formatSmtpPassword(generateLookupId()) };
    expect(await runtime.smtpLogin.login(stale, session("192.0.2.2"))).toEqual({ kind: "refused", attributed: true });
    expect(await runtime.smtpLogin.login(unknown, session("192.0.2.3"))).toEqual({ kind: "refused", attributed: true });
    expect(await runtime.smtpLogin.login(nobody, session("192.0.2.3"))).toEqual({ kind: "refused", attributed: false });
    expect(await eventsFrom("auth.rejected", "192.0.2.2")).toEqual([
      expect.objectContaining({
        credentialId: credential.id,
        username: credential.username,
        data: { reason: "bad_password", method: "PLAIN", tls: true },
      }),
    ]);
    expect(await eventsFrom("auth.rejected", "192.0.2.3")).toEqual([
      expect.objectContaining({
        credentialId: credential.id,
        data: expect.objectContaining({ reason: "unknown_password" }),
      }),
    ]);
  });

  it("throttles an address past the block limit, attributed to the credential the attempt names", async () => {
    // Distinct guesses at this credential: the same password tried again is counted once.
    const lookupId = parseSmtpPassword(credential.password)?.lookupId ?? "";
    for (let i = 0; i < 2; i++) {
      const guess = { username: credential.username, password: formatSmtpPassword(lookupId) };
      expect(await runtime.smtpLogin.login(guess, session("192.0.2.4"))).toMatchObject({ kind: "refused" });
    }
    const stale = { username: credential.username, password: formatSmtpPassword(lookupId) };
    expect(await runtime.smtpLogin.login(stale, session("192.0.2.4"))).toEqual({ kind: "throttled", attributed: true });
    expect((await eventsFrom("auth.rejected", "192.0.2.4")).map((event) => event.data)).toContainEqual(
      expect.objectContaining({ reason: "throttled" }),
    );
  });

  it("counts every login by outcome and reason in the metrics, a repeated success as a verification-cache hit", async () => {
    const count = (name: string, labels: Record<string, string>) => runtime.telemetry.count(name, labels);
    const logins = (labels: Record<string, string>) => count("relaypost_smtp_logins_total", labels);
    const cache = (result: string) => count("relaypost_smtp_verification_cache_total", { result });
    const before = {
      accepted: await logins({ outcome: "accepted" }),
      badPassword: await logins({ outcome: "refused", reason: "bad_password", attributed: "true" }),
      hits: await cache("hit"),
      misses: await cache("miss"),
      timed: await count("relaypost_smtp_login_duration_seconds", {}),
    };
    // A credential of this test's own, so that nothing of it is cached yet.
    const created = await runtime.core.smtpCredentials.create({ organizationId, actor: systemActor("test") }, {});
    const fresh = { username: created.credential.username, password: created.password };
    const lookupId = parseSmtpPassword(fresh.password)?.lookupId ?? "";
    const wrong = { username: fresh.username, password: formatSmtpPassword(lookupId) };
    await runtime.smtpLogin.login(fresh, session("192.0.2.8"));
    await runtime.smtpLogin.login(fresh, session("192.0.2.8"));
    await runtime.smtpLogin.login(wrong, session("192.0.2.9"));
    expect(await logins({ outcome: "accepted" })).toBe(before.accepted + 2);
    expect(await logins({ outcome: "refused", reason: "bad_password", attributed: "true" })).toBe(
      before.badPassword + 1,
    );
    expect([await cache("hit"), await cache("miss")]).toEqual([before.hits + 1, before.misses + 2]);
    expect(await count("relaypost_smtp_login_duration_seconds", {})).toBeGreaterThan(before.timed);
  });

  it("never counts a success against the address: more successes than the block limit are all accepted", async () => {
    const scope = { organizationId, actor: systemActor("test") };
    // blockAfter is 2 here: three distinct (username, password) pairs, each accepted, from one address.
    for (let i = 0; i < 3; i++) {
      const { credential: created, password } = await runtime.core.smtpCredentials.create(scope, {});
      const outcome = await runtime.smtpLogin.login({ username: created.username, password }, session("192.0.2.7"));
      expect(outcome).toMatchObject({ kind: "accepted" });
    }
  });
});

describe("the SMTP login use case without its database", () => {
  it("answers unavailable, never refused, when the database cannot be asked, and tells the operator why", async () => {
    const faults: string[] = [];
    const { database, runtime, credential } = await loginFixture((where) => faults.push(where));
    try {
      await runtime.close();
      await database.close();
      expect(await runtime.smtpLogin.login(credential, session("192.0.2.5"))).toEqual({ kind: "unavailable" });
      expect(faults).toContain("SMTP login (answered 454)");
      expect(await runtime.telemetry.count("relaypost_smtp_logins_total", { reason: "database" })).toBe(1);
      expect(await runtime.telemetry.count("relaypost_faults_total", { component: "SMTP login (answered 454)" })).toBe(
        1,
      );
    } finally {
      // On PostgreSQL this still drops the database.
      await database.destroy().catch(() => {});
    }
  });
});
