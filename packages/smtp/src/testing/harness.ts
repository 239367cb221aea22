import {
  attemptStoreFor,
  type Core,
  createCore,
  createEventBus,
  createEventPublisher,
  type RelayEvent,
  systemActor,
} from "@relaypost/core";
import { createDatabase, type Database, schema } from "@relaypost/db";
import { createTestDatabase } from "@relaypost/db/testing";
import { asc } from "drizzle-orm";
import { type SmtpServiceOptions, startSmtpService } from "../service";
import { loadTlsMaterial } from "../tls";

export interface HarnessOptions extends Partial<SmtpServiceOptions> {
  /** Leave the service deaf to the event bus, to show what holds before a change notification lands. */
  withoutBus?: boolean;
}

/** A real SMTP service on a free port, on a fresh real database, with one organization to create credentials in. */
export async function startHarness(options: HarnessOptions = {}) {
  const { withoutBus, ...overrides } = options;
  const database = await createTestDatabase();
  const core = createCore({ db: database.db, attempts: attemptStoreFor(database) });
  const bus = createEventBus(database, { pollIntervalMs: 100 });
  await bus.start();
  const publisher = createEventPublisher(database.db);
  const faults: string[] = [];
  const [organization] = await database.db
    .insert(schema.organizations)
    .values({ name: "Acme", slug: `acme-${Math.random().toString(36).slice(2, 10)}` })
    .returning();
  if (!organization) throw new Error("insert returned no row");
  const scope = { organizationId: organization.id, actor: systemActor("test") };
  const tls = await loadTlsMaterial({ dataDir: "memory://" });
  const start = (peer: { db: Database; core: Core }) =>
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
        db: peer.db,
        hasher: peer.core.smtpHasher,
        attempts: peer.core.attempts,
        publisher,
        bus: withoutBus ? { subscribe: () => () => false } : bus,
        onError: (where, error) => faults.push(`${where}: ${String(error)}`),
      },
    );
  const service = await start({ db: database.db, core });

  return {
    database,
    core,
    bus,
    publisher,
    service,
    scope,
    organizationId: organization.id,
    faults,
    /**
     * A second SMTP service on the same PostgreSQL database, with its own connections, core and throttle: another
     * process, as far as anything shared goes.
     */
    async startPeer() {
      if (!database.url) throw new Error("a peer process needs PostgreSQL");
      const peerDatabase = createDatabase({ url: database.url, maxConnections: 5 });
      const peer = await start({
        db: peerDatabase.db,
        core: createCore({ db: peerDatabase.db, attempts: attemptStoreFor(peerDatabase) }),
      });
      return {
        port: peer.port,
        async close() {
          await peer.close();
          await peerDatabase.close();
        },
      };
    },
    async createCredential(username?: string) {
      const { credential, password } = await core.smtpCredentials.create(scope, { username });
      return { id: credential.id, username: credential.username, password };
    },
    /** Every event written so far, after the publisher's batch is flushed. */
    async events(): Promise<RelayEvent[]> {
      await publisher.flush();
      const rows = await database.db.select().from(schema.events).orderBy(asc(schema.events.id));
      return rows.map((row) => ({ ...row, type: row.type as RelayEvent["type"] }));
    },
    async close() {
      await service.close();
      await publisher.flush();
      await bus.stop();
      await database.destroy();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
