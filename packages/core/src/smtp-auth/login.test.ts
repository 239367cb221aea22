import { createTestDatabase, type TestDatabase } from "@relaypost/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../actor";
import { createRuntime, type Runtime } from "../runtime";
import { formatSmtpPassword, generateLookupId, parseSmtpPassword } from "../smtp-credentials/password";

describe("the SMTP login use case", () => {
  let database: TestDatabase;
  let runtime: Runtime;
  let credential: { username: string; password: string };
  const session = (remoteAddress: string) => ({ remoteAddress, method: "PLAIN", tls: true });

  beforeAll(async () => {
    database = await createTestDatabase();
    runtime = await createRuntime(database, { smtpThrottle: { delayAfter: 1, blockAfter: 2, baseDelayMs: 1 } });
    const { organization } = await runtime.core.organizations.create({
      name: "Login",
      owner: { email: "owner@login.test", password: "owner-password-1" },
    });
    const scope = { organizationId: organization.id, actor: systemActor("test") };
    const created = await runtime.core.smtpCredentials.create(scope, {});
    credential = { username: created.credential.username, password: created.password };
  });
  afterAll(async () => {
    await runtime.close();
    // The last test closes the database; on PostgreSQL this still drops it.
    await database.destroy().catch(() => {});
  });

  it("accepts the right password with the credential's grant", async () => {
    const outcome = await runtime.smtpLogin.login(credential, session("192.0.2.1"));
    expect(outcome).toMatchObject({ kind: "accepted", grant: { username: credential.username } });
  });

  it("refuses a wrong password, attributed when the password or else the username names a credential", async () => {
    const lookupId = parseSmtpPassword(credential.password)?.lookupId ?? "";
    const stale = { username: credential.username, password: formatSmtpPassword(lookupId) };
    const unknown = { username: credential.username, password: formatSmtpPassword(generateLookupId()) };
    const nobody = { username: "nobody_has_this", password: formatSmtpPassword(generateLookupId()) };
    expect(await runtime.smtpLogin.login(stale, session("192.0.2.2"))).toEqual({ kind: "refused", attributed: true });
    expect(await runtime.smtpLogin.login(unknown, session("192.0.2.3"))).toEqual({ kind: "refused", attributed: true });
    expect(await runtime.smtpLogin.login(nobody, session("192.0.2.3"))).toEqual({ kind: "refused", attributed: false });
  });

  it("throttles an address past the block limit, attributed to the credential the attempt names", async () => {
    // Distinct guesses: the same password tried again is counted once.
    for (let i = 0; i < 2; i++) {
      const guess = { username: credential.username, password: formatSmtpPassword(generateLookupId()) };
      await runtime.smtpLogin.login(guess, session("192.0.2.4"));
    }
    const lookupId = parseSmtpPassword(credential.password)?.lookupId ?? "";
    const stale = { username: credential.username, password: formatSmtpPassword(lookupId) };
    expect(await runtime.smtpLogin.login(stale, session("192.0.2.4"))).toEqual({ kind: "throttled", attributed: true });
  });

  it("answers unavailable, never refused, when the database cannot be asked", async () => {
    await runtime.close();
    await database.close();
    expect(await runtime.smtpLogin.login(credential, session("192.0.2.5"))).toEqual({ kind: "unavailable" });
  });
});
