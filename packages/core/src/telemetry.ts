import type { AuthRejectionReason } from "@relaypost/contract";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RelayEvent } from "./events/types";

/** How an SMTP login ended, as the metrics and the log line count it (never naming the credential). */
export interface LoginObservation {
  outcome: "accepted" | "refused" | "throttled" | "unavailable";
  /** Why it was refused; for `unavailable`, whether the database or the argon2 queue was the cause. */
  reason?: AuthRejectionReason | "database" | "busy";
  attributed?: boolean;
  /** Settled from the verification cache without argon2. */
  cached: boolean;
  seconds: number;
}

/** The argon2 queues of the two classes of caller (see hashing.ts). */
export type HasherClass = "smtp" | "account";

const DELIVERY_OUTCOMES: Partial<Record<RelayEvent["type"], string>> = {
  "message.relayed": "relayed",
  "message.deferred": "deferred",
  "message.failed": "failed",
};

/**
 * Every metric one RelayPost process exports, in one place so that an operator can find each name here and in
 * docs/operations.md. Names follow `relaypost_<area>_<thing>_<unit>`; labels are bounded (outcome, reason), never a
 * username or an address. Each runtime has a registry of its own, so tests and processes never share counts.
 */
export function createTelemetry(registry: Registry = new Registry()) {
  const registers = [registry];
  const logins = new Counter({
    name: "relaypost_smtp_logins_total",
    help: "SMTP logins by outcome and reason; attributed says whether an organization was told of a refusal",
    labelNames: ["outcome", "reason", "attributed"] as const,
    registers,
  });
  const loginSeconds = new Histogram({
    name: "relaypost_smtp_login_duration_seconds",
    help: "Time to answer an SMTP login, by outcome (a refusal includes the throttle's hold-back)",
    labelNames: ["outcome"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const verificationCache = new Counter({
    name: "relaypost_smtp_verification_cache_total",
    help: "SMTP logins settled from the verification cache (hit) or needing a lookup and argon2 (miss)",
    labelNames: ["result"] as const,
    registers,
  });
  const throttleBlocks = new Counter({
    name: "relaypost_throttle_blocks_total",
    help: "Attempts refused by a throttle before any password check, by what was attempted",
    labelNames: ["scope"] as const,
    registers,
  });
  const argon2Wait = new Histogram({
    name: "relaypost_argon2_wait_seconds",
    help: "Time an argon2 computation waited for its class's gate",
    labelNames: ["class"] as const,
    buckets: [0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const messages = new Counter({
    name: "relaypost_smtp_messages_total",
    help: "Messages ended by the SMTP submission path: accepted (250) or refused",
    labelNames: ["outcome"] as const,
    registers,
  });
  const sessionsRevoked = new Counter({
    name: "relaypost_smtp_sessions_closed_on_revocation_total",
    help: "Open SMTP sessions closed because their credential was revoked",
    registers,
  });
  const published = new Counter({
    name: "relaypost_events_published_total",
    help: "Events this process committed",
    registers,
  });
  const received = new Counter({
    name: "relaypost_events_received_total",
    help: "Events this process's event bus handed to its subscribers, from any process",
    registers,
  });
  const busLag = new Histogram({
    name: "relaypost_event_bus_lag_seconds",
    help: "From an event's creation to its hand-out by this process's bus (buffering, commit and notification)",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const deliveries = new Counter({
    name: "relaypost_relay_deliveries_total",
    help: "Delivery attempts of accepted messages this process made, by outcome",
    labelNames: ["outcome"] as const,
    registers,
  });
  const faults = new Counter({
    name: "relaypost_faults_total",
    help: "Server faults reported (database errors among them), by the component that hit them",
    labelNames: ["component"] as const,
    registers,
  });

  return {
    registry,
    login(observation: LoginObservation): void {
      const { outcome, reason, attributed } = observation;
      logins.inc({ outcome, reason: reason ?? "", attributed: attributed === undefined ? "" : String(attributed) });
      loginSeconds.observe({ outcome }, observation.seconds);
      // A throttled or unavailable login never reached the cache's question.
      if (outcome === "accepted" || outcome === "refused") {
        verificationCache.inc({ result: observation.cached ? "hit" : "miss" });
      }
      if (outcome === "throttled") throttleBlocks.inc({ scope: "smtp_login" });
    },
    signInBlocked(): void {
      throttleBlocks.inc({ scope: "sign_in" });
    },
    argon2Waited(hasherClass: HasherClass, seconds: number): void {
      argon2Wait.observe({ class: hasherClass }, seconds);
    },
    message(outcome: "accepted" | "refused"): void {
      messages.inc({ outcome });
    },
    sessionClosedOnRevocation(): void {
      sessionsRevoked.inc();
    },
    committed(events: readonly RelayEvent[]): void {
      published.inc(events.length);
      for (const event of events) {
        const outcome = DELIVERY_OUTCOMES[event.type];
        if (outcome) deliveries.inc({ outcome });
      }
    },
    handedOut(event: RelayEvent, now = Date.now()): void {
      received.inc();
      busLag.observe(Math.max(0, now - event.createdAt.getTime()) / 1000);
    },
    fault(component: string): void {
      faults.inc({ component });
    },
    /** The sum of a metric's values whose labels include `labels`: what a query of `/metrics` would add up. */
    async count(name: string, labels: Record<string, string> = {}): Promise<number> {
      const metric = registry.getSingleMetric(name);
      if (!metric) throw new Error(`No metric ${name}`);
      const { values } = await metric.get();
      return values
        .filter((value) => Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted))
        .reduce((sum, value) => sum + value.value, 0);
    },
    /** A counter whose total is read when metrics are scraped, from a count kept elsewhere (the database driver's). */
    counterFrom(name: string, help: string, read: () => number) {
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    },
    /** A gauge whose value is read when metrics are scraped (queue depths, connections, the outbox). */
    gauge(name: string, help: string, labelNames: readonly string[], read: (set: GaugeSetter) => Promise<void> | void) {
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          this.reset();
          await read((value, labels) => (labels ? this.set(labels, value) : this.set(value)));
        },
      });
    },
  };
}

export type GaugeSetter = (value: number, labels?: Record<string, string>) => void;

export type Telemetry = ReturnType<typeof createTelemetry>;
