import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRuntime, type Runtime, systemActor } from "@relaypost/core";
import { createDatabase, type DatabaseHandle, schema } from "@relaypost/db";
import { createTestDatabase, type TestDatabase, testServerUrl } from "@relaypost/db/testing";
import { startUpstreamSink, type UpstreamSink } from "@relaypost/smtp/upstream-sink";
import { ne } from "drizzle-orm";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const serverDir = fileURLToPath(new URL("..", import.meta.url));
const BURST = 500;

/**
 * A RelayPost server process relaying to `relayUrl`. Started with node itself (the thread pool size already set, so
 * it does not relaunch), so that SIGKILL reaches the process that holds the messages.
 */
async function startServerProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "serve"], {
    cwd: serverDir,
    env: { ...process.env, UV_THREADPOOL_SIZE: "8", PORT: "0", SMTP_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const smtpPort = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /SMTP listening on [^:]+:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, smtpPort, exited, output: () => output };
}

const stop = async (server: { child: ChildProcess; exited: Promise<void> }, signal: NodeJS.Signals) => {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
  await server.exited;
};

describe.skipIf(!testServerUrl)(
  "a server killed mid-burst loses no accepted message (skipped without TEST_DATABASE_URL: it takes a second process)",
  () => {
    let database: TestDatabase;
    let observer: DatabaseHandle;
    let watcher: Runtime;
    let sink: UpstreamSink;
    let dataDir: string;
    const servers: Array<Awaited<ReturnType<typeof startServerProcess>>> = [];

    beforeAll(async () => {
      database = await createTestDatabase();
      observer = createDatabase({ url: database.url ?? "", maxConnections: 2 });
      watcher = await createRuntime(observer);
      sink = await startUpstreamSink();
      dataDir = await mkdtemp(join(tmpdir(), "relaypost-crash-"));
    });
    afterAll(async () => {
      for (const server of servers) await stop(server, "SIGKILL");
      await watcher.close();
      await observer.close();
      await sink.close();
      await database.destroy();
      await rm(dataDir, { recursive: true, force: true });
    });

    it("SIGKILL during a burst of 500: after a restart every committed message reaches the upstream, once per Message-ID at least", async () => {
      const env = {
        DATABASE_URL: database.url ?? "",
        DATA_DIR: dataDir,
        SMTP_ALLOW_INSECURE_LOOPBACK_AUTH: "true",
        RELAY_URL: `smtp://127.0.0.1:${sink.port}?tls=none`,
        // Messages the killed process held are free again this soon after it claimed them.
        RELAY_LEASE: "2s",
      };
      const first = await startServerProcess(env);
      servers.push(first);
      const { organization } = await watcher.core.organizations.create({
        name: "Crash",
        owner: { email: `crash-${Date.now()}@example.com`, password: "owner-password-1" },
      });
      const { credential, password } = await watcher.core.smtpCredentials.create(
        { organizationId: organization.id, actor: systemActor("test") },
        {},
      );

      const relayed = new Set<string>();
      const unsubscribe = watcher.bus.subscribe((event) => {
        if (event.type === "message.relayed") relayed.add(event.data.messageId);
      });

      const client = nodemailer.createTransport({
        host: "127.0.0.1",
        port: first.smtpPort,
        pool: true,
        maxConnections: 10,
        ignoreTLS: true,
        auth: { user: credential.username, pass: password },
      });
      const sends = Array.from({ length: BURST }, (_, n) =>
        client
          .sendMail({ from: "app@example.com", to: `user${n}@example.org`, subject: `burst ${n}`, text: "x" })
          .then((info) => ({ ok: true as const, messageId: info.messageId }))
          .catch(() => ({ ok: false as const })),
      );
      await sink.until((received) => received.length >= 200);
      // Catch a delivery half-way (its DATA unanswered) and kill the process then: it dies holding a lease.
      const midDelivery = sink.hold();
      await midDelivery.reached;
      first.child.kill("SIGKILL");
      await first.exited;
      midDelivery.release();
      const results = await Promise.all(sends);
      client.close();
      const accepted = results.flatMap((r) => (r.ok ? [r.messageId] : []));
      // The kill landed mid-burst: some messages were accepted, some never were.
      expect(accepted.length).toBeGreaterThan(0);
      expect(accepted.length).toBeLessThan(BURST);

      const committed = await observer.db
        .select({ id: schema.smtpMessages.id, messageId: schema.smtpMessages.messageIdHeader })
        .from(schema.smtpMessages);
      const committedIds = new Set(committed.map((row) => row.messageId ?? "none"));
      // Every 250 the client saw is a committed row (the reply is sent only after the commit).
      for (const messageId of accepted) expect(committedIds.has(messageId)).toBe(true);
      const unrelayed = await observer.db
        .select({ id: schema.smtpMessages.id })
        .from(schema.smtpMessages)
        .where(ne(schema.smtpMessages.status, "relayed"));
      // The restart has work to do: at least the message the dead process was delivering.
      expect(unrelayed.length).toBeGreaterThan(0);

      let stopChecking: () => void = () => {};
      const allRelayed = new Promise<void>((resolve) => {
        const check = () => committed.every((row) => relayed.has(row.id)) && resolve();
        check();
        stopChecking = watcher.bus.subscribe(check);
      });
      servers.push(await startServerProcess(env));
      await allRelayed;
      stopChecking();
      unsubscribe();

      const reached = new Set(sink.received.map((m) => m.messageId ?? "none"));
      expect(reached.size).toBe(committed.length);
      for (const messageId of committedIds) expect(reached.has(messageId)).toBe(true);
      const statuses = await observer.db.select({ status: schema.smtpMessages.status }).from(schema.smtpMessages);
      expect(statuses.every((row) => row.status === "relayed")).toBe(true);
      expect(first.output()).toContain(`Relaying accepted messages to 127.0.0.1:${sink.port} (plaintext)`);
      expect(first.output()).not.toContain(password);
    }, 120_000);
  },
);
