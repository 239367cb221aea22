import type { RegistrationMode } from "@relaypost/contract";
import type { DatabaseHandle } from "@relaypost/db";
import type { Registry } from "prom-client";
import { createCore } from "./core";
import { createEventBus } from "./events/bus";
import { createEventPublisher } from "./events/publisher";
import { createRefusalAggregator, type RefusalAggregatorOptions } from "./events/refusal-aggregator";
import { pruneEvents } from "./events/retention";
import type { RelayEvent } from "./events/types";
import { createAccountHasher, createSmtpHasher, type PasswordHasher } from "./hashing";
import { listenForRevocations, type RevocationFeed } from "./identity/revocation";
import { type Log, silentLog } from "./log";
import { createDeliveryWorker, type DeliveryOptions, wakeForQueuedElsewhere } from "./relay/delivery-worker";
import { loadOrganizationUpstream, resealUpstreamPasswords } from "./relay/organization-upstream";
import { outboxDepth } from "./relay/outbox-depth";
import { logDeliveryFailures, logLogin } from "./runtime-log";
import type { Keyring } from "./secret-box";
import { createLastUsedRecorder } from "./smtp-auth/last-used-recorder";
import { createSmtpLogin } from "./smtp-auth/login";
import { createLoginThrottle, type LoginThrottleOptions } from "./smtp-auth/login-throttle";
import { createSmtpVerifier } from "./smtp-auth/verifier";
import { announceExpiries } from "./smtp-credentials/expiry";
import { createMessageIntake } from "./smtp-submission/message-intake";
import { createSmtpSubmission } from "./smtp-submission/submission";
import { createTelemetry } from "./telemetry";
import { attemptStoreFor } from "./throttle/store-for-database";
import type { ThrottlePolicy } from "./throttle/throttle";
import { pruneWebhookDeliveries } from "./webhooks/delivery-log";
import { createWebhookWorker, type WebhookDeliveryOptions } from "./webhooks/delivery-worker";
import { resealWebhookSecrets } from "./webhooks/endpoints";

export type FaultReporter = (where: string, error: unknown) => void;

export interface RuntimeConfig {
  /** Who may sign up (REGISTRATION); `open` by default. */
  registration?: RegistrationMode;
  /** Where background faults go (event bus, publisher, last-used writes, maintenance). */
  onError?: FaultReporter;
  /** Where the runtime's log lines go: refused logins, throttle blocks, delivery failures (silent by default). */
  log?: Log;
  /** The registry the runtime's metrics join (the server's, which `/metrics` serves); one of its own by default. */
  metrics?: Registry;
  /** SMTP login throttle settings (tests shorten its delays). */
  smtpThrottle?: LoginThrottleOptions;
  /** Sign-in throttle settings (tests shorten its delays). */
  signInThrottle?: Partial<ThrottlePolicy>;
  refusals?: RefusalAggregatorOptions;
  /** How long accepted SMTP messages' metadata is kept (default 30 days). */
  messageRetentionMs?: number;
  /** How long their raw bytes are kept (default 7 days). */
  messageBodyRetentionMs?: number;
  /** How often the event bus reads committed events it may have missed. */
  busPollIntervalMs?: number;
  /** argon2 for account work; a test passes its own to watch or fill it. */
  hasher?: PasswordHasher;
  /** The clock messages are accepted and counted against sending limits by (a test pins it); the relay's by default. */
  now?: () => Date;
  /** The server key(s) sealing organizations' upstream passwords (RELAYPOST_SECRET_KEY); without, none can be set. */
  keyring?: Keyring;
  /**
   * Delivery: the server's default upstream (`upstream`) and the workers' settings. Organizations with their own
   * upstream are relayed whenever this is given, default or not; without it no worker runs in this process.
   */
  relay?: DeliveryOptions & {
    /** Deliver in the background (default); a test turns it off to drive rounds itself with `relay.runOnce()`. */
    background?: boolean;
  };
  /** Webhook delivery settings; `policy` also rules which endpoint URLs can be registered. */
  webhooks?: Partial<WebhookDeliveryOptions> & {
    /** Deliver in the background (default); a test turns it off to drive rounds with `webhooks.runOnce()`. */
    background?: boolean;
  };
}

const MAINTENANCE_EVERY_MS = 10 * 60 * 1000;
const WEBHOOK_WAKE_DELAY_MS = 100;

/**
 * Everything one RelayPost process runs on a database: the core services, the event bus and publisher (whose
 * committed batches the bus delivers at once), revocation notices, the SMTP login and submission use cases, and
 * maintenance. The server and the test harnesses all build it here, so tests run what production runs.
 */
export async function createRuntime(
  database: Pick<DatabaseHandle, "db" | "driver" | "listen"> & Partial<Pick<DatabaseHandle, "stats">>,
  config: RuntimeConfig = {},
) {
  const telemetry = createTelemetry(config.metrics);
  const log = config.log ?? silentLog;
  const reportFault: FaultReporter = config.onError ?? (() => {});
  const onError: FaultReporter = (where, error) => {
    telemetry.fault(where);
    reportFault(where, error);
  };
  const { db } = database;
  const bus = createEventBus(database, {
    onError: (error) => onError("event bus", error),
    pollIntervalMs: config.busPollIntervalMs,
  });
  await bus.start();
  /** Events this process committed: counted, and handed to its bus without waiting for their notification. */
  const committed = (events: RelayEvent[]) => {
    telemetry.committed(events);
    bus.offer(events);
  };
  const publisher = createEventPublisher(db, {
    onError: (error) => onError("event publisher", error),
    onCommitted: committed,
  });
  const stopCountingHandOuts = bus.subscribe((event) => telemetry.handedOut(event));
  const { stats } = database;
  if (stats) {
    telemetry.gauge("relaypost_db_pool_connections", "Connections the database pool opens at most", [], (set) =>
      set(stats().poolSize),
    );
    telemetry.counterFrom("relaypost_db_queries_total", "Statements sent to the database", () => stats().queries);
  }
  const attempts = attemptStoreFor(database);
  // One clock for acceptance and delivery, so a message's age is measured as its attempts are scheduled.
  const now = config.relay?.now ?? config.now;
  const { keyring } = config;
  const serverUpstream = config.relay?.upstream;
  const throttle = createLoginThrottle(attempts, config.smtpThrottle);
  const webhookPolicy = config.webhooks?.policy ?? { allowPrivateNetworks: false };
  const accountHasher =
    config.hasher ?? createAccountHasher({ onWaited: (seconds) => telemetry.argon2Waited("account", seconds) });
  const lastUsed = createLastUsedRecorder(db, { onError: (error) => onError("last-used recorder", error) });
  const core = createCore({
    db,
    bus,
    attempts,
    smtpThrottle: throttle,
    hasher: accountHasher,
    onSignInBlocked: telemetry.signInBlocked,
    signInThrottle: config.signInThrottle,
    now,
    keyring,
    serverUpstream,
    webhookPolicy,
    registration: config.registration,
    unwrittenLastUsed: lastUsed.unwritten,
  });
  const smtpHasher = createSmtpHasher({ onWaited: (seconds) => telemetry.argon2Waited("smtp", seconds) });
  const verifier = createSmtpVerifier({ db, hasher: smtpHasher });
  telemetry.gauge(
    "relaypost_argon2_queue_depth",
    "argon2 computations waiting for their class's gate",
    ["class"],
    (set) => {
      set(smtpHasher.concurrency.queued, { class: "smtp" });
      set(accountHasher.concurrency.queued, { class: "account" });
    },
  );
  const refusals = createRefusalAggregator(publisher, config.refusals);
  const smtpLogin = createSmtpLogin({
    verifier,
    throttle,
    lastUsed,
    publisher,
    refusals,
    onError: (error) => onError("attributing a refused login", error),
    onOutage: (error) => onError("SMTP login (answered 454)", error),
    observe: (observation, attempt, session) => {
      telemetry.login(observation);
      logLogin(log, observation, attempt.username, session);
    },
  });
  const relay = config.relay
    ? createDeliveryWorker(config.relay, {
        db,
        loadUpstream: (organizationId) => loadOrganizationUpstream(db, keyring, organizationId),
        onError: (error) => onError("message delivery", error),
        onCommitted: (events) => {
          committed(events);
          logDeliveryFailures(log, events);
        },
      })
    : undefined;
  const delivering = relay && config.relay?.background !== false;
  const intake = createMessageIntake(db, {
    retentionMs: config.messageRetentionMs,
    bodyRetentionMs: config.messageBodyRetentionMs,
    relaying: !!serverUpstream,
    now,
    beforeStore: () => publisher.flush(1),
    // Queued here, a message goes to these workers as it commits, or wakes them if none had a free slot.
    handoff: delivering ? relay.handoff : undefined,
    onQueued: () => relay?.wake(),
    onCommitted: committed,
    onError: (error) => onError("accepted-message events", error),
  });
  // A message queued on another process wakes this one's workers; the poll only catches deferrals coming due.
  const stopWaking = relay ? bus.subscribe(wakeForQueuedElsewhere(relay)) : undefined;
  if (delivering) relay.start();
  const smtpSubmission = createSmtpSubmission({ verifier, intake, publisher });
  const webhooks = createWebhookWorker(
    { ...config.webhooks, policy: webhookPolicy },
    {
      db,
      keyring,
      onError: (error) => onError("webhook delivery", error),
      onCommitted: committed,
    },
  );
  // Any committed event may be one an endpoint waits for; the poll catches retries coming due. A flood of events wakes
  // the workers a few times a second rather than once per event: each round fans out a whole batch.
  let webhookWake: NodeJS.Timeout | undefined;
  const stopWakingWebhooks = bus.subscribe(() => {
    webhookWake ??= setTimeout(() => {
      webhookWake = undefined;
      webhooks.wake();
    }, WEBHOOK_WAKE_DELAY_MS);
  });
  if (config.webhooks?.background !== false) webhooks.start();

  /** One pass of clean-up; each task's fault is reported and leaves the others to run. */
  async function runMaintenance(): Promise<void> {
    await pruneEvents(db).catch((error) => onError("event retention", error));
    await core.sessions.pruneExpired().catch((error) => onError("session pruning", error));
    await core.pruneLoginAttempts().catch((error) => onError("login attempt pruning", error));
    await core.pruneIdempotencyKeys().catch((error) => onError("idempotency key pruning", error));
    await intake.prune().catch((error) => onError("pruning SMTP messages", error));
    await announceExpiries(db).catch((error) => onError("announcing credential expiries", error));
    await pruneWebhookDeliveries(db, new Date()).catch((error) => onError("pruning webhook deliveries", error));
    if (keyring) {
      await resealUpstreamPasswords(db, keyring).catch((error) => onError("resealing upstream passwords", error));
      await resealWebhookSecrets(db, keyring).catch((error) => onError("resealing webhook secrets", error));
    }
  }

  const revocations: RevocationFeed = {
    listen: (onRevocation, onListening) => listenForRevocations(database, onRevocation, onListening),
  };

  if (relay) {
    telemetry.gauge(
      "relaypost_relay_outbox_depth",
      "Accepted messages waiting for delivery, by status",
      ["status"],
      async (set) => {
        // A scrape must still answer while the database is down (that is when the other metrics matter most): the
        // outbox is then left out of it, and the fault is reported.
        const depth = await outboxDepth(db).catch((error: unknown) => onError("metrics: outbox depth", error));
        for (const [status, count] of Object.entries(depth ?? {})) set(count, { status });
      },
    );
  }

  let maintenance: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;
  return {
    core,
    bus,
    publisher,
    /** This process's metrics; the server serves their registry at `/metrics`. */
    telemetry,
    log,
    smtpLogin,
    smtpSubmission,
    /** This process's delivery workers; absent without `config.relay`. */
    relay,
    /** This process's webhook workers. */
    webhooks,
    refusals,
    lastUsed,
    /** Revocations announced on any process: live connections of the revoked party must end. */
    revocations,
    runMaintenance,
    /** Periodic clean-up that keeps stored data within its retention bounds; any process may run it. */
    startMaintenance(): void {
      if (maintenance) return;
      maintenance = setInterval(() => void runMaintenance(), MAINTENANCE_EVERY_MS);
      maintenance.unref();
      void runMaintenance();
    },
    /**
     * Call after the transports have stopped: lets deliveries under way finish and be written, hands the refusals
     * counted in open windows to the publisher, writes pending last-used times and events, and stops the bus. The
     * database stays open; its owner closes it.
     */
    close(): Promise<void> {
      closing ??= (async () => {
        clearInterval(maintenance);
        stopWaking?.();
        stopWakingWebhooks();
        stopCountingHandOuts();
        clearTimeout(webhookWake);
        await relay?.stop();
        await webhooks.stop();
        refusals.close();
        await lastUsed.flush();
        await publisher.flush();
        await bus.stop();
      })();
      return closing;
    },
  };
}

export type Runtime = Awaited<ReturnType<typeof createRuntime>>;
