import { formatSmtpPassword, generateLookupId } from "@relaypost/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./testing/harness";
import { RawSmtpClient } from "./testing/raw-client";

const INVALID = { code: 535, text: "535 5.7.8 Authentication credentials invalid" };
const THROTTLED = { code: 421, text: "421 4.7.0 Too many failed login attempts, try again later" };

describe("throttling failed logins", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ throttle: { delayAfter: 2, blockAfter: 4, baseDelayMs: 50, maxDelayMs: 200 } });
  });
  afterAll(() => h.close());

  it("a guesser trying new passwords is delayed, then refused with 421 and disconnected", async () => {
    const credential = await h.createCredential();
    const guess = () => formatSmtpPassword(generateLookupId());
    const client = await RawSmtpClient.connect(h.service.port);
    await client.command("EHLO guesser.example");
    for (let n = 0; n < 4; n++) expect(await client.authPlain(credential.username, guess())).toEqual(INVALID);
    expect(await client.authPlain(credential.username, credential.password)).toEqual(THROTTLED);
    await client.whenClosed();
    const later = await RawSmtpClient.connect(h.service.port);
    await later.command("EHLO guesser.example");
    expect(await later.authPlain(credential.username, credential.password)).toEqual(THROTTLED);
    await later.whenClosed();
    h.service.refusals.flush();
    const throttled = (await h.events()).filter((e) => e.type === "auth.rejected" && e.data.reason === "throttled");
    // The first 421 is written at once, the second counted into the event that closes the window.
    expect(throttled.map((e) => [e.credentialId, e.data.count])).toEqual([
      [credential.id, undefined],
      [credential.id, 1],
    ]);
    expect(h.service.metrics.authThrottled).toBe(2);
  });
});

describe("a client that repeats one stale password", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ throttle: { delayAfter: 2, blockAfter: 4, baseDelayMs: 50, maxDelayMs: 200 } });
  });
  afterAll(() => h.close());

  it("is not escalated, counts PLAIN-then-LOGIN once, and logs in once it has the new password", async () => {
    const credential = await h.createCredential();
    const { password } = await h.core.smtpCredentials.regeneratePassword(h.scope, credential.id);
    for (let n = 0; n < 6; n++) {
      const client = await RawSmtpClient.connect(h.service.port);
      await client.command("EHLO app.example");
      expect(await client.authPlain(credential.username, credential.password)).toEqual(INVALID);
      expect(await client.authLogin(credential.username, credential.password)).toEqual(INVALID);
      await client.quit();
    }
    const client = await RawSmtpClient.connect(h.service.port);
    await client.command("EHLO app.example");
    expect((await client.authPlain(credential.username, password))?.code).toBe(235);
    await client.quit();
    expect(h.service.metrics.authThrottled).toBe(0);
  });
});
