import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NOT_RELAYED_NOTICE } from "@relaypost/contract";
import { createDatabase, type DatabaseHandle, schema } from "@relaypost/db";
import { testServerUrl } from "@relaypost/db/testing";
import { RawSmtpClient } from "@relaypost/smtp/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./testing";

const serverDir = fileURLToPath(new URL("..", import.meta.url));
const INVALID = { code: 535, text: "535 5.7.8 Authentication credentials invalid" };

/** A second RelayPost process, started the way operators start it, on the same PostgreSQL database. */
async function spawnServer(databaseUrl: string, dataDir: string) {
  // One process the test can kill: node with tsx's loader (not pnpm and tsx's command, each a parent of the server),
  // with the thread pool sized so that the server does not relaunch itself as a child either.
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "serve"], {
    cwd: serverDir,
    env: {
      ...process.env,
      UV_THREADPOOL_SIZE: "4",
      DATABASE_URL: databaseUrl,
      PORT: "0",
      SMTP_PORT: "0",
      DATA_DIR: dataDir,
      // Plaintext AUTH from loopback, as in development (the test client also uses STARTTLS; either works).
      SMTP_ALLOW_INSECURE_LOOPBACK_AUTH: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const outputWaiters: Array<{ text: string; resolve: () => void }> = [];
  const smtpPort = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const waiter of outputWaiters.filter((w) => output.includes(w.text))) {
        outputWaiters.splice(outputWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      const match = /SMTP listening on [^:]+:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  /** Resolves once the process has written `text` (to standard output or error). */
  const printed = (text: string) =>
    output.includes(text) ? Promise.resolve() : new Promise<void>((resolve) => outputWaiters.push({ text, resolve }));
  return { child, smtpPort, exited, output: () => output, printed };
}

async function login(port: number, username: string, password: string) {
  const client = await RawSmtpClient.connect(port);
  await client.command("EHLO app.example");
  await client.startTls();
  await client.command("EHLO app.example");
  const reply = await client.authPlain(username, password);
  return { client, reply };
}

describe.skipIf(!testServerUrl)(
  "two server processes on one PostgreSQL (skipped without TEST_DATABASE_URL: an embedded PGlite database belongs to one process)",
  () => {
    let a: TestServer;
    let b: Awaited<ReturnType<typeof spawnServer>>;
    let dataDir: string;
    /** The test's own connection to the servers' database, for rows no API shows. */
    let database: DatabaseHandle;
    let scope: { organizationId: string; actor: { type: "system"; id: null; label: string; remoteAddress: null } };

    beforeAll(async () => {
      a = await startTestServer();
      database = createDatabase({ url: a.databaseUrl ?? "", maxConnections: 1 });
      const [organization] = await database.db
        .insert(schema.organizations)
        .values({ name: "Acme", slug: `acme-${Date.now()}` })
        .returning();
      if (!organization) throw new Error("insert returned no row");
      scope = {
        organizationId: organization.id,
        actor: { type: "system", id: null, label: "test", remoteAddress: null },
      };
    });
    afterAll(async () => {
      await database.close();
      await a.stop();
    });
    // One test stops process B, so each starts a B of its own.
    beforeEach(async () => {
      dataDir = await mkdtemp(join(tmpdir(), "relaypost-b-"));
      b = await spawnServer(a.databaseUrl ?? "", dataDir);
    });
    afterEach(async () => {
      if (b.child.exitCode === null) b.child.kill("SIGKILL");
      await b.exited;
      await rm(dataDir, { recursive: true, force: true });
    });

    it("a revoke through process A refuses the very next login through process B, and B closes its sessions", async () => {
      const { credential, password } = await a.core.smtpCredentials.create(scope, {});
      const first = await login(b.smtpPort, credential.username, password);
      expect(first.reply?.code).toBe(235);
      const again = await login(b.smtpPort, credential.username, password);
      expect(again.reply?.code).toBe(235);
      await again.client.quit();

      await a.core.smtpCredentials.setActive(scope, credential.id, false);
      const refused = await login(b.smtpPort, credential.username, password);
      expect(refused.reply).toEqual(INVALID);
      refused.client.destroy();
      expect(await first.client.read()).toEqual({
        code: 421,
        text: "421 4.7.0 Credential no longer valid, closing connection",
      });

      await a.core.smtpCredentials.setActive(scope, credential.id, true);
      const back = await login(b.smtpPort, credential.username, password);
      expect(back.reply?.code).toBe(235);
      await back.client.quit();
      const regenerated = await a.core.smtpCredentials.regeneratePassword(scope, credential.id);
      const old = await login(b.smtpPort, credential.username, password);
      expect(old.reply).toEqual(INVALID);
      old.client.destroy();
      const fresh = await login(b.smtpPort, credential.username, regenerated.password);
      expect(fresh.reply?.code).toBe(235);
      await fresh.client.quit();
    });

    it("SIGTERM lets an in-flight message finish, flushes last use and exits cleanly", async () => {
      const { credential, password } = await a.core.smtpCredentials.create(scope, {});
      const { client, reply } = await login(b.smtpPort, credential.username, password);
      expect(reply?.code).toBe(235);
      expect((await client.command("MAIL FROM:<app@example.com>"))?.code).toBe(250);
      expect((await client.command("RCPT TO:<a@example.org>"))?.code).toBe(250);
      expect((await client.command("DATA"))?.code).toBe(354);
      b.child.kill("SIGTERM");
      await b.printed("SIGTERM received");
      expect((await client.command("Subject: bye\r\n\r\nsent while the server stops\r\n."))?.code).toBe(250);
      await client.quit();
      expect(await b.exited).toBe(0);
      const stored = await database.db
        .select({ credentialId: schema.smtpMessages.credentialId })
        .from(schema.smtpMessages);
      expect(stored.filter((m) => m.credentialId === credential.id)).toHaveLength(1);
      expect((await a.core.smtpCredentials.get(scope.organizationId, credential.id)).lastUsedAt).toBeInstanceOf(Date);
      expect(b.output()).not.toContain(password);
      // No RELAY_URL: the start-up log says the message was kept here, not queued for delivery.
      expect(b.output()).toContain(`No upstream configured (RELAY_URL): accepted messages are ${NOT_RELAYED_NOTICE}`);
      // No RELAYPOST_SECRET_KEY: the server runs and says organizations cannot set an upstream of their own.
      expect(b.output()).toContain(
        "RELAYPOST_SECRET_KEY is not set: organizations cannot set an upstream of their own nor add webhooks",
      );
    });
  },
);
