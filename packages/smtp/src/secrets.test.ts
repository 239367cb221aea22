import { schema } from "@relaypost/db";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./testing/harness";
import { RawSmtpClient } from "./testing/raw-client";

/**
 * What the SMTP service hands back: replies, events, the faults it reports and its metrics. What the server process
 * writes to its output is checked on the real process, in apps/server/src/secrets-in-output.test.ts.
 */
describe("no secret leaves the authenticator", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ throttle: { delayAfter: 2, blockAfter: 3, baseDelayMs: 1, maxDelayMs: 1 } });
  });
  afterAll(() => h.close());

  it("in events, replies, faults, metrics or log lines, through success, every failure and a throttle", async () => {
    const credential = await h.createCredential();
    const { password: regenerated } = await h.core.smtpCredentials.regeneratePassword(h.scope, credential.id);
    const replies: string[] = [];
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: h.service.port,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: credential.username, pass: regenerated },
      logger: false,
    });
    const info = await transport.sendMail({ from: "a@example.com", to: "b@example.org", text: "x" });
    replies.push(info.response);
    transport.close();
    for (const password of [credential.password, regenerated, "garbage", `${regenerated}x`, regenerated]) {
      const client = await RawSmtpClient.connect(h.service.port);
      await client.command("EHLO app.example");
      replies.push((await client.authPlain("wrong_user", password))?.text ?? "closed");
      replies.push((await client.authLogin(credential.username, password))?.text ?? "closed");
      client.destroy();
    }
    // A misconfigured application that sends its password as the username as well.
    const swapped = await RawSmtpClient.connect(h.service.port);
    await swapped.command("EHLO app.example");
    replies.push((await swapped.authPlain(regenerated, regenerated))?.text ?? "closed");
    swapped.destroy();
    const [row] = await h.database.db
      .select({ hash: schema.smtpCredentials.passwordHash })
      .from(schema.smtpCredentials);
    const secrets = [credential.password, regenerated, row?.hash ?? "missing"];
    const events = JSON.stringify(await h.events());
    const everything = [
      ...replies,
      events,
      ...h.faults,
      await h.runtime.telemetry.registry.metrics(),
      JSON.stringify(h.logged),
    ].join("\n");
    expect(replies).toContain("421 4.7.0 Too many failed login attempts, try again later");
    for (const secret of secrets) {
      expect(everything).not.toContain(secret);
      // Also not the hash's salt-and-digest part on its own.
      expect(everything).not.toContain(secret.slice(-20));
    }
  });
});
