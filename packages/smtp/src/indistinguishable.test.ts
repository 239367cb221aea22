import { formatSmtpPassword, generateLookupId, parseSmtpPassword } from "@relaypost/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./testing/harness";
import { RawSmtpClient } from "./testing/raw-client";

describe("failed logins are indistinguishable to the client", () => {
  let h: Harness;
  const attempts: Record<string, { username: string; password: string }> = {};

  beforeAll(async () => {
    // The throttle would delay these repeated failures and blur what is measured: the verification path itself.
    h = await startHarness({ throttle: { delayAfter: 1_000_000, blockAfter: 1_000_001 } });
    const live = await h.createCredential();
    const inactive = await h.createCredential();
    await h.core.smtpCredentials.setActive(h.scope, inactive.id, false);
    const lookupId = parseSmtpPassword(live.password)?.lookupId ?? "";
    attempts.unknownUser = { username: "nobody_here", password: formatSmtpPassword(generateLookupId()) };
    attempts.wrongPassword = { username: live.username, password: formatSmtpPassword(lookupId) };
    attempts.inactive = { username: inactive.username, password: inactive.password };
    attempts.usernameMismatch = { username: "someone_else", password: live.password };
    // Warm the cache with the real passwords, so a path that consulted it before refusing would show up as fast.
    await h.core.smtpCredentials.setActive(h.scope, inactive.id, true);
    for (const credential of [live, inactive]) {
      const client = await RawSmtpClient.connect(h.service.port);
      await client.command("EHLO warm.example");
      expect((await client.authPlain(credential.username, credential.password))?.code).toBe(235);
      await client.quit();
    }
    await h.core.smtpCredentials.setActive(h.scope, inactive.id, false);
  });
  afterAll(() => h.close());

  // Their times are compared by bench/indistinguishable.ts (docs/reliability.md): a timing figure, not a test.
  it("gives every kind of failure the same reply, telling which check failed only to the organization's events", async () => {
    const replies = new Set<string>();
    for (const attempt of Object.values(attempts)) {
      const client = await RawSmtpClient.connect(h.service.port);
      await client.command("EHLO probe.example");
      const reply = await client.authPlain(attempt.username, attempt.password);
      replies.add(`${reply?.code} ${reply?.text}`);
      client.destroy();
    }
    expect([...replies]).toEqual(["535 535 5.7.8 Authentication credentials invalid"]);
    const reasons = (await h.events()).filter((e) => e.type === "auth.rejected").map((e) => e.data.reason);
    expect(new Set(reasons)).toEqual(new Set(["bad_password", "inactive", "username_mismatch"]));
  });
});
