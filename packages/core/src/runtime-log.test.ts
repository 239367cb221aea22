import { describe, expect, it } from "vitest";
import type { RelayEvent } from "./events/types";
import type { Log } from "./log";
import { logDeliveryFailures, logLogin } from "./runtime-log";
import { formatSmtpPassword, generateLookupId } from "./smtp-credentials/password";
import type { LoginObservation } from "./telemetry";

interface Line {
  level: "info" | "warn" | "error";
  fields: object;
  message: string;
}

/** A log sink that keeps every line written to it. */
function recordingLog(): Log & { lines: Line[] } {
  const lines: Line[] = [];
  const log = {
    lines,
    info: (fields: object, message: string) => void lines.push({ level: "info", fields, message }),
    warn: (fields: object, message: string) => void lines.push({ level: "warn", fields, message }),
    error: (fields: object, message: string) => void lines.push({ level: "error", fields, message }),
    child: () => log,
  };
  return log;
}

const session = { id: "s-1", remoteAddress: "192.0.2.7", method: "PLAIN", tls: true };
const observed = (outcome: LoginObservation["outcome"], more: Partial<LoginObservation> = {}): LoginObservation => ({
  outcome,
  cached: false,
  seconds: 0.01,
  ...more,
});

describe("logLogin", () => {
  it("writes nothing for an accepted login", () => {
    const log = recordingLog();
    logLogin(log, observed("accepted"), "app", session);
    expect(log.lines).toEqual([]);
  });

  it("writes a refused login at info, with the session's fields and the reason", () => {
    const log = recordingLog();
    logLogin(log, observed("refused", { reason: "bad_password", attributed: true }), "app", session);
    expect(log.lines).toEqual([
      {
        level: "info",
        message: "SMTP login refused",
        fields: {
          sessionId: "s-1",
          remoteAddress: "192.0.2.7",
          username: "app",
          method: "PLAIN",
          reason: "bad_password",
          attributed: true,
        },
      },
    ]);
  });

  it("writes a throttled login as a warning and a login answered 454 as an error", () => {
    const log = recordingLog();
    logLogin(log, observed("throttled", { reason: "throttled", attributed: false }), "app", session);
    logLogin(log, observed("unavailable", { reason: "database" }), "app", session);
    expect(log.lines.map(({ level, message }) => [level, message])).toEqual([
      ["warn", "SMTP login blocked by the throttle"],
      ["error", "SMTP login answered 454"],
    ]);
    expect(log.lines.map((line) => line.fields)).toMatchObject([
      { reason: "throttled", attributed: false },
      { reason: "database", attributed: undefined },
    ]);
  });

  it("never writes a password a client put where the username goes", () => {
    const log = recordingLog();
    logLogin(log, observed("refused", { reason: "unknown_password" }), formatSmtpPassword(generateLookupId()), session);
    expect(log.lines[0]?.fields).toMatchObject({ username: "[redacted: a password]" });
  });
});

const envelope = { id: 1, organizationId: "org-1", credentialId: "cred-1", username: "app", remoteAddress: null };
const at = new Date(0);
const failed = (data: RelayEvent<"message.failed">["data"]): RelayEvent => ({
  ...envelope,
  type: "message.failed",
  data,
  createdAt: at,
});
const deferred = (data: RelayEvent<"message.deferred">["data"]): RelayEvent => ({
  ...envelope,
  type: "message.deferred",
  data,
  createdAt: at,
});

describe("logDeliveryFailures", () => {
  it("writes a failed delivery as a warning and a deferred one at info, with the upstream's reply", () => {
    const log = recordingLog();
    logDeliveryFailures(log, [
      failed({ messageId: "m-1", attempts: 1, reply: "550 no such user", expired: false }),
      deferred({ messageId: "m-2", attempts: 2, reply: "421 try later", retryAt: "2030-01-01T00:00:00.000Z" }),
    ]);
    expect(log.lines).toEqual([
      {
        level: "warn",
        message: "message delivery failed",
        fields: {
          organizationId: "org-1",
          credentialId: "cred-1",
          messageId: "m-1",
          attempts: 1,
          reply: "550 no such user",
          expired: false,
        },
      },
      {
        level: "info",
        message: "message delivery deferred",
        fields: {
          organizationId: "org-1",
          credentialId: "cred-1",
          messageId: "m-2",
          attempts: 2,
          reply: "421 try later",
          retryAt: "2030-01-01T00:00:00.000Z",
        },
      },
    ]);
  });

  it("writes nothing for other events", () => {
    const log = recordingLog();
    logDeliveryFailures(log, [
      {
        ...envelope,
        type: "message.relayed",
        data: { messageId: "m-3", attempts: 1, reply: "250 ok", accepted: 1, refused: 0 },
        createdAt: at,
      },
      {
        ...envelope,
        type: "message.accepted",
        data: { messageId: "m-4", size: 10, recipients: 1, status: "queued" },
        createdAt: at,
      },
      {
        ...envelope,
        type: "auth.rejected",
        data: { reason: "bad_password", method: "LOGIN", tls: false },
        createdAt: at,
      },
    ]);
    expect(log.lines).toEqual([]);
  });
});
