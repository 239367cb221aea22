import { connect } from "node:net";
import { schema } from "@relaypost/db";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startHarness } from "./testing/harness";
import { RawSmtpClient } from "./testing/raw-client";

describe("graceful shutdown", () => {
  it("stops accepting, lets a session finish its message, closes stragglers with 421, then flushes last use", async () => {
    const h = await startHarness({ closeTimeoutMs: 1_500 });
    try {
      const credential = await h.createCredential();
      const sending = await RawSmtpClient.connect(h.service.port);
      await sending.command("EHLO app.example");
      expect((await sending.authPlain(credential.username, credential.password))?.code).toBe(235);
      expect((await sending.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
      expect((await sending.command("RCPT TO:<a@example.org>"))?.code).toBe(250);
      expect((await sending.command("DATA"))?.code).toBe(354);
      const idle = await RawSmtpClient.connect(h.service.port);

      const closed = h.shutdown();
      const refused = await new Promise<string>((resolve) => {
        const socket = connect(h.service.port, "127.0.0.1");
        socket.once("connect", () => resolve("connected"));
        socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
      });
      expect(refused).toBe("ECONNREFUSED");
      expect((await sending.command("Subject: in flight\r\n\r\nfinishing during shutdown\r\n."))?.code).toBe(250);
      expect(await idle.read()).toEqual({ code: 421, text: "421 Server shutting down" });
      await closed;
      const [row] = await h.database.db
        .select({ lastUsedAt: schema.smtpCredentials.lastUsedAt, accepted: schema.smtpCredentials.messagesAccepted })
        .from(schema.smtpCredentials)
        .where(eq(schema.smtpCredentials.id, credential.id));
      expect(row?.lastUsedAt).toBeInstanceOf(Date);
      expect(row?.accepted).toBe(1);
    } finally {
      await h.close();
    }
  });
});
