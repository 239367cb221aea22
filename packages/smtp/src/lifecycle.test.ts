import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { schema } from "@relaypost/db";
import { eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./testing/harness";
import { RawSmtpClient } from "./testing/raw-client";

const run = promisify(execFile);

/** Nodemailer as an application configures it: STARTTLS on the submission port, AUTH with the credential. */
async function sendWithNodemailer(port: number, auth: { user: string; pass: string }, subject = "hello") {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth,
  });
  try {
    return await transport.sendMail({
      from: "app@example.com",
      to: "someone@example.org",
      subject,
      text: "sent through RelayPost",
    });
  } finally {
    transport.close();
  }
}

/** Python's smtplib, logging in with AUTH LOGIN after STARTTLS; prints the reply code of the login. */
async function loginWithSmtplib(port: number, user: string, password: string): Promise<number> {
  const script = `
import smtplib, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
s.starttls(context=ctx)
s.ehlo()
s.user, s.password = sys.argv[2], sys.argv[3]
try:
    code, _ = s.auth("LOGIN", s.auth_login, initial_response_ok=False)
    print(code)
except smtplib.SMTPAuthenticationError as error:
    print(error.smtp_code)
finally:
    s.close()
`;
  const { stdout } = await run("python3", ["-c", script, String(port), user, password]);
  return Number(stdout.trim());
}

/** The same password with its last character changed: a wrong password of the right shape. */
const tamper = (password: string) => password.slice(0, -1) + (password.endsWith("x") ? "y" : "x");

const rejection = { responseCode: 535, response: "535 5.7.8 Authentication credentials invalid" };

describe("credential lifecycle over real SMTP clients", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const counterOf = async (id: string) =>
    (
      await h.database.db
        .select({ n: schema.smtpCredentials.messagesAccepted })
        .from(schema.smtpCredentials)
        .where(eq(schema.smtpCredentials.id, id))
    )[0]?.n;

  it("create → the app logs in and sends, and the message is stored and counted", async () => {
    const credential = await h.createCredential();
    const info = await sendWithNodemailer(h.service.port, { user: credential.username, pass: credential.password });
    // No upstream in this harness: the reply says the message is kept here, not that it is queued for delivery.
    const reply = /^250 2\.0\.0 Ok: stored, not relayed: no upstream configured \(id ([0-9a-f-]{36})\)$/.exec(
      info.response,
    );
    const messageId = reply?.[1] ?? "";
    const [stored] = await h.database.db
      .select()
      .from(schema.smtpMessages)
      .where(eq(schema.smtpMessages.id, messageId));
    expect(stored).toMatchObject({
      credentialId: credential.id,
      mailFrom: "app@example.com",
      rcptTo: ["someone@example.org"],
      status: "stored",
    });
    expect(stored?.raw.toString()).toContain("sent through RelayPost");
    expect(await counterOf(credential.id)).toBe(1);
    expect(await loginWithSmtplib(h.service.port, credential.username, credential.password)).toBe(235);
  });

  it("regenerate → the old password gets 535 on the next login and the new one works", async () => {
    const credential = await h.createCredential();
    await sendWithNodemailer(h.service.port, { user: credential.username, pass: credential.password });
    const { password } = await h.core.smtpCredentials.regeneratePassword(h.scope, credential.id);
    await expect(
      sendWithNodemailer(h.service.port, { user: credential.username, pass: credential.password }),
    ).rejects.toMatchObject(rejection);
    expect(await loginWithSmtplib(h.service.port, credential.username, credential.password)).toBe(535);
    await sendWithNodemailer(h.service.port, { user: credential.username, pass: password });
  });

  it("deactivate → 535, and a session that logged in before gets no further mail accepted; activate → works again", async () => {
    const credential = await h.createCredential();
    const session = await RawSmtpClient.connect(h.service.port);
    await session.command("EHLO app.example");
    await session.startTls();
    await session.command("EHLO app.example");
    expect(await session.authPlain(credential.username, credential.password)).toEqual({
      code: 235,
      text: "235 Authentication successful",
    });
    await h.core.smtpCredentials.setActive(h.scope, credential.id, false);
    await expect(
      sendWithNodemailer(h.service.port, { user: credential.username, pass: credential.password }),
    ).rejects.toMatchObject(rejection);
    // Whether the change notification or this MAIL FROM arrives first, the session submits nothing.
    const mail = await session.command("MAIL FROM:<app@example.com>");
    expect(mail?.code === 421 || mail === undefined).toBe(true);
    await session.whenClosed();
    expect(await counterOf(credential.id)).toBe(0);
    await h.core.smtpCredentials.setActive(h.scope, credential.id, true);
    await sendWithNodemailer(h.service.port, { user: credential.username, pass: credential.password });
    expect(await counterOf(credential.id)).toBe(1);
  });

  it("delete → 535", async () => {
    const credential = await h.createCredential();
    await sendWithNodemailer(h.service.port, { user: credential.username, pass: credential.password });
    await h.core.smtpCredentials.delete(h.scope, credential.id);
    await expect(
      sendWithNodemailer(h.service.port, { user: credential.username, pass: credential.password }),
    ).rejects.toMatchObject(rejection);
  });

  it("records last use, coalesced, and publishes the outcome of every login and message", async () => {
    const credential = await h.createCredential();
    await sendWithNodemailer(h.service.port, { user: credential.username, pass: credential.password });
    await expect(
      sendWithNodemailer(h.service.port, { user: credential.username, pass: tamper(credential.password) }),
    ).rejects.toMatchObject(rejection);
    await expect
      .poll(
        async () =>
          (
            await h.database.db
              .select({ at: schema.smtpCredentials.lastUsedAt })
              .from(schema.smtpCredentials)
              .where(eq(schema.smtpCredentials.id, credential.id))
          )[0]?.at,
        { timeout: 5_000 },
      )
      .toBeInstanceOf(Date);
    const mine = (await h.events())
      .filter((e) => e.credentialId === credential.id)
      .map((e) => (e.type === "auth.rejected" ? `${e.type} ${e.data.reason}` : e.type));
    // The tampered password names no credential, so its refusal is attributed by the username.
    expect(mine).toEqual([
      "credential.created",
      "auth.succeeded",
      "message.accepted",
      "auth.rejected malformed_password",
    ]);
  });
});
