import { randomBytes } from "node:crypto";
import { schema } from "@relaypost/db";
import { createTestDatabase, freePort, type TestDatabase } from "@relaypost/db/testing";
import { getTableName, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RelayEvent } from "./events/types";
import type { Log } from "./log";
import { relayUrlSchema } from "./relay/upstream";
import { createRuntime, type Runtime, type RuntimeConfig } from "./runtime";
import { Keyring } from "./secret-box";
import { newScope, storedRow } from "./smtp-credentials/test-support";
import { createTelemetry } from "./telemetry";
import { startReceiver } from "./webhooks/receiver.test-support";

/** A fresh database and the runtime on it for the enclosing describe; read its fields inside the tests. */
function useRuntime() {
  const fixture = {} as { database: TestDatabase; runtime: Runtime };
  beforeAll(async () => {
    fixture.database = await createTestDatabase();
    fixture.runtime = await createRuntime(fixture.database);
  });
  afterAll(async () => {
    await fixture.runtime.close();
    await fixture.database.destroy();
  });
  return fixture;
}

describe("maintenance", () => {
  const fixture = useRuntime();

  it("deletes expired sessions and keeps live ones", async () => {
    const { database, runtime } = fixture;
    const { core } = runtime;
    const user = await core.users.create({ email: "maintained@example.com", password: "maintained-password" });
    await core.sessions.create(user.id);
    // This database is the test's own: every session so far expires.
    await database.db.update(schema.sessions).set({ expiresAt: new Date(Date.now() - 60_000) });
    const live = await core.sessions.create(user.id);

    await runtime.runMaintenance();

    const left = await database.db.select({ id: schema.sessions.id }).from(schema.sessions);
    expect(left).toEqual([{ id: (await core.sessions.resolve(live.token))?.sessionId }]);
  });
});

describe("a credential's answers and a login not yet written", () => {
  const fixture = useRuntime();

  it("carry the login's time, announced at once, before the recorder writes it", async () => {
    const { database, runtime } = fixture;
    const { core, lastUsed } = runtime;
    const scope = await newScope(database);
    const { credential } = await core.smtpCredentials.create(scope, { description: "fresh" });
    const login = new Date("2030-01-01T00:00:00Z");
    lastUsed.record(credential.id, { remoteAddress: "203.0.113.7", method: "LOGIN" }, login);

    const [deactivated, updated, listed, read] = [
      await core.smtpCredentials.setActive(scope, credential.id, false),
      await core.smtpCredentials.update(scope, credential.id, { description: "renamed" }),
      await core.smtpCredentials.list(scope.organizationId, { limit: 10 }),
      await core.smtpCredentials.get(scope.organizationId, credential.id),
    ];
    const regenerated = await core.smtpCredentials.regeneratePassword(scope, credential.id);
    expect([deactivated, updated, listed.items[0], read, regenerated.credential].map((c) => c?.lastUsedAt)).toEqual(
      Array(5).fill(login),
    );

    const lastLogin = { at: login, remoteAddress: "203.0.113.7", method: "LOGIN" };
    expect(read.lastLogin).toEqual(lastLogin);

    await lastUsed.flush();
    expect((await storedRow(database, credential.id)).lastUsedAt).toEqual(login);
    const written = await core.smtpCredentials.get(scope.organizationId, credential.id);
    expect([written.lastUsedAt, written.lastLogin]).toEqual([login, lastLogin]);
  });
});

/** A fresh database for the enclosing describe; runtimes built inside its tests with `runtimeOn` are closed after each. */
function useDatabase() {
  const fixture = {} as { database: TestDatabase };
  const runtimes: Runtime[] = [];
  beforeAll(async () => {
    fixture.database = await createTestDatabase();
  });
  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.close();
  });
  afterAll(() => fixture.database.destroy());
  return {
    get database() {
      return fixture.database;
    },
    async runtimeOn(config: RuntimeConfig = {}, database: Parameters<typeof createRuntime>[0] = fixture.database) {
      const runtime = await createRuntime(database, config);
      runtimes.push(runtime);
      return runtime;
    },
  };
}

/** Where a runtime's faults are reported: the names they are reported under, in order. */
function faultSink() {
  const names: string[] = [];
  const waiters: Array<{ name: string; count: number; resolve: () => void }> = [];
  const seen = (name: string) => names.filter((n) => n === name).length;
  return {
    names,
    onError(where: string) {
      names.push(where);
      for (const waiter of waiters.filter((w) => seen(w.name) >= w.count)) waiter.resolve();
    },
    /** Resolves once `name` has been reported `count` times. */
    reported: (name: string, count = 1) =>
      new Promise<void>((resolve) => {
        if (seen(name) >= count) resolve();
        else waiters.push({ name, count, resolve });
      }),
  };
}

/** A log sink keeping every line; `until(message)` resolves once a line with that message was written. */
function recordingLog() {
  const lines: Array<{ level: string; message: string; fields: object }> = [];
  const waiters: Array<{ message: string; resolve: () => void }> = [];
  const write = (level: string) => (fields: object, message: string) => {
    lines.push({ level, message, fields });
    for (const waiter of waiters.filter((w) => w.message === message)) waiter.resolve();
  };
  const log: Log = { info: write("info"), warn: write("warn"), error: write("error"), child: () => log };
  return {
    log,
    lines,
    until: (message: string) =>
      new Promise<void>((resolve) => {
        if (lines.some((line) => line.message === message)) resolve();
        else waiters.push({ message, resolve });
      }),
  };
}

/** The tables maintenance works on; renamed away, every task fails as it would with the database in trouble. */
const MAINTAINED = [
  schema.events,
  schema.sessions,
  schema.loginAttempts,
  schema.idempotencyKeys,
  schema.smtpMessages,
  schema.smtpCredentials,
  schema.webhookDeliveries,
  schema.organizationUpstreams,
  schema.webhookEndpoints,
].map(getTableName);

async function renameMaintained(database: TestDatabase, away: boolean) {
  await database.db.transaction(async (tx) => {
    for (const name of MAINTAINED) {
      const [from, to] = away ? [name, `${name}_away`] : [`${name}_away`, name];
      await tx.execute(sql.raw(`alter table ${from} rename to ${to}`));
    }
  });
}

const MAINTENANCE_TASKS = [
  "event retention",
  "session pruning",
  "login attempt pruning",
  "idempotency key pruning",
  "pruning SMTP messages",
  "announcing credential expiries",
  "pruning webhook deliveries",
];

describe("maintenance faults", () => {
  const fixture = useDatabase();
  /** Login attempts live in the database only on PostgreSQL; on PGlite they are counted in memory. */
  const tasks = () =>
    MAINTENANCE_TASKS.filter((task) => task !== "login attempt pruning" || fixture.database.driver === "postgres");
  const maintenanceFaults = (names: string[]) => names.filter((name) => name !== "event bus");

  it("reports nothing when every task succeeds, with no server key to reseal under", async () => {
    const faults = faultSink();
    const runtime = await fixture.runtimeOn({ onError: faults.onError, webhooks: { background: false } });
    await runtime.runMaintenance();
    expect(faults.names).toEqual([]);
  });

  it("reports each failing task under its own name, counts it, and still runs the others", async () => {
    const faults = faultSink();
    const runtime = await fixture.runtimeOn({
      onError: faults.onError,
      keyring: new Keyring(randomBytes(32)),
      webhooks: { background: false },
    });
    await renameMaintained(fixture.database, true);
    try {
      await runtime.runMaintenance();
    } finally {
      await renameMaintained(fixture.database, false);
    }
    expect(maintenanceFaults(faults.names)).toEqual([
      ...tasks(),
      "resealing upstream passwords",
      "resealing webhook secrets",
    ]);
    expect(await runtime.telemetry.count("relaypost_faults_total", { component: "event retention" })).toBe(1);
  });

  it("starts one periodic pass however often it is started", async () => {
    const faults = faultSink();
    const runtime = await fixture.runtimeOn({ onError: faults.onError, webhooks: { background: false } });
    await renameMaintained(fixture.database, true);
    try {
      runtime.startMaintenance();
      runtime.startMaintenance();
      await faults.reported("pruning webhook deliveries");
      await runtime.runMaintenance();
    } finally {
      await renameMaintained(fixture.database, false);
    }
    expect(maintenanceFaults(faults.names)).toEqual([...tasks(), ...tasks()]);
  });
});

describe("metrics", () => {
  const fixture = useDatabase();

  it("exports the database pool's size and statements sent when the database counts them", async () => {
    const { database } = fixture;
    const runtime = await fixture.runtimeOn();
    expect(await runtime.telemetry.count("relaypost_db_pool_connections")).toBe(database.stats().poolSize);
    expect(await runtime.telemetry.count("relaypost_db_queries_total")).toBeGreaterThan(0);

    const uncounted = await fixture.runtimeOn(
      {},
      { db: database.db, driver: database.driver, listen: database.listen },
    );
    await expect(uncounted.telemetry.count("relaypost_db_pool_connections")).rejects.toThrow(
      "No metric relaypost_db_pool_connections",
    );
    await expect(uncounted.telemetry.count("relaypost_db_queries_total")).rejects.toThrow(
      "No metric relaypost_db_queries_total",
    );
  });

  it("exports each argon2 class's queue and waits, and every SMTP login by outcome, logging refusals", async () => {
    const log = recordingLog();
    const runtime = await fixture.runtimeOn({ log: log.log });
    const scope = await newScope(fixture.database);
    const { credential, password } = await runtime.core.smtpCredentials.create(scope, {});
    const session = { id: "s-1", remoteAddress: "192.0.2.5", method: "PLAIN", tls: true };
    expect(await runtime.smtpLogin.login({ username: credential.username, password }, session)).toMatchObject({
      kind: "accepted",
    });
    const wrong = `${password.slice(0, -1)}${password.endsWith("a") ? "b" : "a"}`;
    expect(await runtime.smtpLogin.login({ username: credential.username, password: wrong }, session)).toMatchObject({
      kind: "refused",
    });

    const text = await runtime.telemetry.registry.metrics();
    expect(text).toContain('relaypost_argon2_queue_depth{class="smtp"} 0');
    expect(text).toContain('relaypost_argon2_queue_depth{class="account"} 0');
    expect(text).toContain('relaypost_argon2_wait_seconds_count{class="account"} 1');
    expect(text).toContain('relaypost_argon2_wait_seconds_count{class="smtp"} 1');
    expect(await runtime.telemetry.count("relaypost_smtp_logins_total", { outcome: "accepted" })).toBe(1);
    expect(await runtime.telemetry.count("relaypost_smtp_logins_total", { outcome: "refused" })).toBe(1);
    expect(log.lines.map(({ level, message }) => [level, message])).toEqual([["info", "SMTP login refused"]]);
  });

  it("counts sign-ins the throttle refused before checking their password", async () => {
    const runtime = await fixture.runtimeOn({ signInThrottle: { blockAfter: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const email = `blocked-${randomBytes(3).toString("hex")}@runtime.test`;
    await runtime.core.users.create({ email, password: "right-password-1" });
    expect(await runtime.core.users.signIn(email, "wrong-password-1", "192.0.2.44")).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await runtime.core.users.signIn(email, "wrong-password-2", "192.0.2.44")).toEqual({
      ok: false,
      reason: "throttled",
    });
    expect(await runtime.telemetry.count("relaypost_throttle_blocks_total", { scope: "sign_in" })).toBe(1);
  });

  it("names a metric it does not have", async () => {
    await expect(createTelemetry().count("relaypost_nothing_total")).rejects.toThrow(
      "No metric relaypost_nothing_total",
    );
  });

  it("counts committed deliveries by outcome", async () => {
    const telemetry = createTelemetry();
    const attempt = { messageId: "m", attempts: 1, reply: null };
    const envelope = { id: 1, organizationId: "o", credentialId: null, username: null, remoteAddress: null };
    const at = new Date();
    const events: RelayEvent[] = [
      { ...envelope, createdAt: at, type: "message.relayed", data: { ...attempt, accepted: 1, refused: 0 } },
      { ...envelope, createdAt: at, type: "message.deferred", data: { ...attempt, retryAt: at.toISOString() } },
      { ...envelope, createdAt: at, type: "message.deferred", data: { ...attempt, retryAt: at.toISOString() } },
      { ...envelope, createdAt: at, type: "message.failed", data: { ...attempt, expired: false } },
      {
        ...envelope,
        createdAt: at,
        type: "message.accepted",
        data: { messageId: "m", size: 1, recipients: 1, status: "queued" },
      },
    ];
    telemetry.committed(events);
    const deliveries = async (outcome: string) => telemetry.count("relaypost_relay_deliveries_total", { outcome });
    expect([await deliveries("relayed"), await deliveries("deferred"), await deliveries("failed")]).toEqual([1, 2, 1]);
    expect(await telemetry.count("relaypost_relay_deliveries_total")).toBe(4);
    expect(await telemetry.count("relaypost_events_published_total")).toBe(5);
  });
});

describe("relaying", () => {
  const fixture = useDatabase();

  /** A credential's grant and a message to submit with it. */
  async function submitted(runtime: Runtime) {
    const scope = await newScope(fixture.database);
    const { credential, password } = await runtime.core.smtpCredentials.create(scope, {});
    const session = { remoteAddress: "192.0.2.8", method: "PLAIN", tls: true };
    const login = await runtime.smtpLogin.login({ username: credential.username, password }, session);
    if (login.kind !== "accepted") throw new Error("login failed");
    return runtime.smtpSubmission.submit({
      grant: login.grant,
      mailFrom: "app@example.com",
      rcptTo: ["to@example.org"],
      body: [Buffer.from("Subject: relay\r\n\r\nhello\r\n")],
      maxBytes: 1024 * 1024,
      remoteAddress: "192.0.2.8",
    });
  }

  it("stores mail, and exports no outbox, without a server upstream", async () => {
    const runtime = await fixture.runtimeOn({ webhooks: { background: false } });
    expect(await submitted(runtime)).toMatchObject({ kind: "accepted", status: "stored" });
    expect(runtime.relay).toBeUndefined();
    await expect(runtime.telemetry.count("relaypost_relay_outbox_depth")).rejects.toThrow(
      "No metric relaypost_relay_outbox_depth",
    );
  });

  it("queues mail for the server upstream and tries it in the background, counting and logging the deferral", async () => {
    const log = recordingLog();
    const upstream = relayUrlSchema.parse(`smtp://127.0.0.1:${await freePort()}?tls=none`);
    const runtime = await fixture.runtimeOn({
      log: log.log,
      relay: { upstream, backoff: () => 60 * 60_000 },
      webhooks: { background: false },
    });
    const outcome = await submitted(runtime);
    expect(outcome).toMatchObject({ kind: "accepted", status: "queued" });
    // Written with the attempt's committed events, once they are counted.
    await log.until("message delivery deferred");

    expect(await runtime.telemetry.count("relaypost_relay_deliveries_total", { outcome: "deferred" })).toBe(1);
    expect(await runtime.telemetry.count("relaypost_relay_outbox_depth", { status: "deferred" })).toBe(1);
    expect(await runtime.telemetry.count("relaypost_relay_outbox_depth", { status: "queued" })).toBe(0);
    expect(log.lines).toMatchObject([
      {
        level: "info",
        message: "message delivery deferred",
        fields: { messageId: outcome.kind === "accepted" ? outcome.messageId : "", attempts: 1 },
      },
    ]);
  });
});

describe("webhook workers", () => {
  const fixture = useDatabase();

  it("deliver in the background by default", async () => {
    const receiver = await startReceiver();
    try {
      const runtime = await fixture.runtimeOn({
        keyring: new Keyring(randomBytes(32)),
        webhooks: { policy: { allowPrivateNetworks: true } },
      });
      const scope = await newScope(fixture.database);
      await runtime.core.webhooks.create(scope, { url: receiver.url, eventTypes: ["credential.created"] });
      const { credential } = await runtime.core.smtpCredentials.create(scope, {});
      await receiver.next(1);
      expect(JSON.parse(receiver.received[0]?.body ?? "{}")).toMatchObject({
        type: "credential.created",
        data: { credentialId: credential.id },
      });
    } finally {
      await receiver.close();
    }
  });
});

describe("telemetry", () => {
  it("counts SMTP logins by outcome, reason and attribution, cache use and throttle blocks", async () => {
    const telemetry = createTelemetry();
    telemetry.login({ outcome: "accepted", cached: true, seconds: 0.0001 });
    telemetry.login({ outcome: "refused", reason: "bad_password", attributed: true, cached: false, seconds: 0.2 });
    telemetry.login({ outcome: "throttled", reason: "throttled", attributed: false, cached: false, seconds: 0.001 });
    telemetry.login({ outcome: "unavailable", reason: "database", cached: false, seconds: 0.001 });
    const logins = (labels: Record<string, string>) => telemetry.count("relaypost_smtp_logins_total", labels);
    expect(await logins({ outcome: "accepted", reason: "", attributed: "" })).toBe(1);
    expect(await logins({ outcome: "refused", reason: "bad_password", attributed: "true" })).toBe(1);
    expect(await logins({ outcome: "throttled", attributed: "false" })).toBe(1);
    expect(await logins({ outcome: "unavailable", reason: "database", attributed: "" })).toBe(1);
    expect(await telemetry.count("relaypost_smtp_verification_cache_total", { result: "hit" })).toBe(1);
    expect(await telemetry.count("relaypost_smtp_verification_cache_total", { result: "miss" })).toBe(1);
    expect(await telemetry.count("relaypost_throttle_blocks_total")).toBe(1);
    expect(await telemetry.count("relaypost_throttle_blocks_total", { scope: "smtp_login" })).toBe(1);
    const text = await telemetry.registry.metrics();
    expect(text).toContain('relaypost_smtp_login_duration_seconds_bucket{le="0.0005",outcome="accepted"} 1');
    expect(text).toContain('relaypost_smtp_login_duration_seconds_count{outcome="refused"} 1');
  });

  it("counts messages, sessions closed on revocation, argon2 waits and the bus's lag", async () => {
    const telemetry = createTelemetry();
    telemetry.message("accepted");
    telemetry.message("refused");
    telemetry.message("refused");
    telemetry.sessionClosedOnRevocation();
    telemetry.argon2Waited("smtp", 0.00005);
    const event: RelayEvent = {
      id: 1,
      organizationId: "o",
      credentialId: null,
      username: null,
      remoteAddress: null,
      type: "auth.succeeded",
      data: { method: "PLAIN", tls: true },
      createdAt: new Date(10_000),
    };
    telemetry.handedOut(event, 12_000);
    // A clock behind the event's counts no lag rather than a negative one.
    telemetry.handedOut(event, 9_000);
    expect(await telemetry.count("relaypost_smtp_messages_total", { outcome: "refused" })).toBe(2);
    expect(await telemetry.count("relaypost_smtp_sessions_closed_on_revocation_total")).toBe(1);
    expect(await telemetry.count("relaypost_events_received_total")).toBe(2);
    const text = await telemetry.registry.metrics();
    expect(text).toContain('relaypost_argon2_wait_seconds_bucket{le="0.0001",class="smtp"} 1');
    expect(text).toContain("relaypost_event_bus_lag_seconds_sum 2\n");
    expect(text).toContain('relaypost_event_bus_lag_seconds_bucket{le="0.001"} 1');
    expect(text).toContain('relaypost_event_bus_lag_seconds_bucket{le="30"} 2');
  });
});
