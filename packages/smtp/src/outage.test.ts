import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./testing/harness";
import { RawSmtpClient } from "./testing/raw-client";

describe("when the database is unreachable", () => {
  let h: Harness;
  let credential: { username: string; password: string };
  let loggedIn: RawSmtpClient;

  beforeAll(async () => {
    h = await startHarness();
    credential = await h.createCredential();
    loggedIn = await RawSmtpClient.connect(h.service.port);
    await loggedIn.command("EHLO app.example");
    expect((await loggedIn.authPlain(credential.username, credential.password))?.code).toBe(235);
    await h.publisher.flush();
    await h.database.close();
  });
  afterAll(async () => {
    await h.shutdown();
    // The database is already closed; on PostgreSQL this still drops it.
    await h.database.destroy().catch(() => {});
  });

  it("a login gets 454 4.7.0, never 535, even for a password seen before", async () => {
    const client = await RawSmtpClient.connect(h.service.port);
    await client.command("EHLO app.example");
    const temporary = { code: 454, text: "454 4.7.0 Temporary authentication failure" };
    expect(await client.authPlain(credential.username, credential.password)).toEqual(temporary);
    expect(await client.authLogin(credential.username, credential.password)).toEqual(temporary);
    await client.quit();
  });

  it("an authenticated session's MAIL FROM gets a temporary failure, not an acceptance", async () => {
    expect((await loggedIn.command("MAIL FROM:<app@example.com>"))?.code).toBe(454);
    await loggedIn.quit();
  });
});
