import type { RevocationFeed } from "@relaypost/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./testing/harness";
import { RawSmtpClient } from "./testing/raw-client";

async function openSession(h: Harness, credential: { username: string; password: string }) {
  const client = await RawSmtpClient.connect(h.service.port);
  await client.command("EHLO app.example");
  expect((await client.authPlain(credential.username, credential.password))?.code).toBe(235);
  return client;
}

/** The revoked credential's session is told and closed; the other credential's session goes on sending. */
async function expectOnlyAffectedClosed(affected: RawSmtpClient, bystander: RawSmtpClient) {
  expect(await affected.read()).toEqual({
    code: 421,
    text: "421 4.7.0 Credential no longer valid, closing connection",
  });
  await affected.whenClosed();
  expect((await bystander.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
  await bystander.quit();
}

describe("sessions of a revoked credential are closed by the revocation notice", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it.each([
    ["regenerated", (h: Harness, id: string) => h.core.smtpCredentials.regeneratePassword(h.scope, id)],
    ["deactivated", (h: Harness, id: string) => h.core.smtpCredentials.setActive(h.scope, id, false)],
    ["deleted", (h: Harness, id: string) => h.core.smtpCredentials.delete(h.scope, id)],
  ])("%s", async (_, revoke) => {
    const credential = await h.createCredential();
    const other = await h.createCredential();
    const affected = await openSession(h, credential);
    const bystander = await openSession(h, other);
    await revoke(h, credential.id);
    await expectOnlyAffectedClosed(affected, bystander);
  });
});

describe("before any notification lands", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ revocations: { listen: async () => async () => {} } });
  });
  afterAll(() => h.close());

  it.each([
    ["regenerated", (h: Harness, id: string) => h.core.smtpCredentials.regeneratePassword(h.scope, id)],
    ["deactivated", (h: Harness, id: string) => h.core.smtpCredentials.setActive(h.scope, id, false)],
    ["deleted", (h: Harness, id: string) => h.core.smtpCredentials.delete(h.scope, id)],
  ])("MAIL FROM refuses a session whose credential was %s", async (_, revoke) => {
    const credential = await h.createCredential();
    const client = await openSession(h, credential);
    expect((await client.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
    expect((await client.command("RSET"))?.code).toBe(250);
    await revoke(h, credential.id);
    expect(await client.command("MAIL FROM:<app@example.com>")).toEqual({
      code: 421,
      text: "421 4.7.0 Credential no longer valid, closing connection",
    });
    await client.whenClosed();
  });

  it("a revoke that lands between MAIL FROM and the end of DATA stores nothing", async () => {
    const credential = await h.createCredential();
    const client = await openSession(h, credential);
    expect((await client.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
    expect((await client.command("RCPT TO:<a@example.org>"))?.code).toBe(250);
    expect((await client.command("DATA"))?.code).toBe(354);
    await h.core.smtpCredentials.setActive(h.scope, credential.id, false);
    expect((await client.command("Subject: late\r\n\r\ntoo late\r\n."))?.code).toBe(421);
    const accepted = (await h.events()).filter((e) => e.type === "message.accepted");
    expect(accepted.filter((e) => e.credentialId === credential.id)).toEqual([]);
  });
});

describe("when LISTEN is back after notices were lost", () => {
  let h: Harness;
  let listeningAgain: () => void = () => {};
  const lossyFeed: RevocationFeed = {
    async listen(_onRevocation, onListening) {
      listeningAgain = onListening ?? (() => {});
      return async () => {};
    },
  };
  beforeAll(async () => {
    h = await startHarness({ revocations: lossyFeed });
  });
  afterAll(() => h.close());

  it("closes the open sessions of credentials revoked meanwhile, and only those", async () => {
    const revoked = await h.createCredential();
    const other = await h.createCredential();
    const affected = await openSession(h, revoked);
    const bystander = await openSession(h, other);
    await h.core.smtpCredentials.regeneratePassword(h.scope, revoked.id);
    listeningAgain();
    await expectOnlyAffectedClosed(affected, bystander);
  });
});
