import type { EventPayload } from "@relaypost/contract";
import {
  createAccountHasher,
  createRuntime,
  type Log,
  type LoginThrottleOptions,
  type RefusalAggregatorOptions,
  type RelayEvent,
  type RevocationFeed,
  type RuntimeConfig,
  systemActor,
} from "@relaypost/core";
import { createDatabase, type DatabaseHandle, schema } from "@relaypost/db";
import { createTestDatabase } from "@relaypost/db/testing";
import { asc } from "drizzle-orm";
import { type SmtpServiceOptions, startSmtpService } from "../service";
import { loadTlsMaterial } from "../tls";

export interface HarnessOptions extends Partial<SmtpServiceOptions> {
  /** Where the service hears revocations; a test passes one that loses notices, to show what holds without them. */
  revocations?: RevocationFeed;
  throttle?: LoginThrottleOptions;
  refusals?: RefusalAggregatorOptions;
  /** Relay accepted messages to this upstream; without it they are stored only. */
  relay?: RuntimeConfig["relay"];
  /** The clock messages are accepted and counted by, on this runtime and its peers. */
  now?: () => Date;
  /** The server key for organizations' upstream passwords. */
  keyring?: RuntimeConfig["keyring"];
}

export interface LogLine {
  level: "info" | "warn" | "error";
  message: string;
  fields: Record<string, unknown>;
}

/** The runtime's log kept in memory, with each child's bindings merged into its lines' fields. */
function memoryLog(lines: LogLine[], bindings: Record<string, unknown> = {}): Log {
  const write = (level: LogLine["level"]) => (fields: object, message: string) =>
    void lines.push({ level, message, fields: { ...bindings, ...fields } });
  return {
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (more) => memoryLog(lines, { ...bindings, ...more }),
  };
}

/**
 * A real SMTP service on a free port, on a fresh real database and the runtime production builds on it, with one
 * organization to create credentials in.
 */
export async function startHarness(options: HarnessOptions = {}) {
  const { revocations, throttle, refusals, relay, now, keyring, ...overrides } = options;
  const database = await createTestDatabase();
  const faults: string[] = [];
  const onError = (where: string, error: unknown) => faults.push(`${where}: ${String(error)}`);
  // The account class's argon2 gate, kept here so a test can fill it and show SMTP logins do not wait on it.
  const accountHasher = createAccountHasher();
  const logged: LogLine[] = [];
  const config: RuntimeConfig = {
    onError,
    log: memoryLog(logged),
    smtpThrottle: throttle,
    refusals,
    busPollIntervalMs: 100,
    relay,
    now,
    keyring,
  };
  const runtime = await createRuntime(database, { ...config, hasher: accountHasher });
  const { core, bus, publisher } = runtime;
  async function addOrganization(name: string) {
    const [organization] = await database.db
      .insert(schema.organizations)
      .values({ name, slug: `${name.toLowerCase()}-${Math.random().toString(36).slice(2, 10)}` })
      .returning();
    if (!organization) throw new Error("insert returned no row");
    const scope = { organizationId: organization.id, actor: systemActor("test") };
    return {
      organizationId: organization.id,
      scope,
      async createCredential(username?: string) {
        const { credential, password } = await core.smtpCredentials.create(scope, { username });
        return { id: credential.id, username: credential.username, password };
      },
    };
  }
  const { organizationId, scope, createCredential } = await addOrganization("Acme");
  const tls = await loadTlsMaterial({ dataDir: "memory://" });
  const start = (peer: Awaited<ReturnType<typeof createRuntime>>, feed = peer.revocations) =>
    startSmtpService(
      {
        host: "127.0.0.1",
        port: 0,
        tls,
        allowInsecureLoopbackAuth: true,
        proxyProtocol: false,
        closeTimeoutMs: 2_000,
        ...overrides,
      },
      {
        smtpLogin: peer.smtpLogin,
        smtpSubmission: peer.smtpSubmission,
        revocations: feed,
        access: peer.core.access,
        onError,
        telemetry: peer.telemetry,
      },
    );
  const service = await start(runtime, revocations);

  /** Stops SMTP, then the runtime: what the server does at shutdown. The database is kept. */
  async function shutdown() {
    await service.close();
    await runtime.close();
  }

  return {
    database,
    runtime,
    core,
    bus,
    publisher,
    service,
    accountHasher,
    scope,
    organizationId,
    /** Another organization on the same server, with its own credentials. */
    addOrganization,
    faults,
    /** The runtime's log lines (refused logins, throttle blocks, delivery failures), as written. */
    logged,
    shutdown,
    /**
     * A second SMTP service on the same PostgreSQL database, with its own connections and runtime: another process,
     * as far as anything shared goes.
     */
    async startPeer() {
      if (!database.url) throw new Error("a peer process needs PostgreSQL");
      const peerDatabase: DatabaseHandle = createDatabase({ url: database.url, maxConnections: 5 });
      const peerRuntime = await createRuntime(peerDatabase, config);
      const peer = await start(peerRuntime);
      return {
        port: peer.port,
        async close() {
          await peer.close();
          await peerRuntime.close();
          await peerDatabase.close();
        },
      };
    },
    /**
     * Another runtime on this database, as a second process would build it (on PGlite, in this one): its delivery
     * workers compete with the first's for the same outbox.
     */
    async startRuntime(extra: RuntimeConfig = {}) {
      return createRuntime(database, { ...config, ...extra });
    },
    createCredential,
    /** Every event written so far, after the publisher's batch is flushed. */
    async events(): Promise<RelayEvent[]> {
      await publisher.flush();
      const rows = await database.db.select().from(schema.events).orderBy(asc(schema.events.id));
      // Written only by the code under test, so each row's type and data belong together.
      return rows.map(({ type, data, ...row }) => ({ ...row, ...({ type, data } as EventPayload) }));
    },
    async close() {
      await shutdown();
      await database.destroy();
      // Seen in the test run's output when a test fails on a 454 or a lost event: what the server would have logged.
      if (faults.length > 0) console.error(`SMTP harness faults:\n${faults.join("\n")}`);
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
