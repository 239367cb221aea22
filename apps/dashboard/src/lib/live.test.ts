import { onlineManager } from "@tanstack/solid-query";
import { createRoot } from "solid-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Api, ApiClient } from "./api";
import { createLive, type LiveEvent } from "./live";

/**
 * The socket's side of `events.recent` and `events.subscribe`, scripted: each subscription's handlers and input are
 * kept so a test can deliver events, fail the stream and see where the next subscription resumes.
 */
interface Handlers {
  onStarted(): void;
  onData(envelope: { id: string; data: LiveEvent }): void;
  onError(error: { message: string; data?: { code?: string } }): void;
  onConnectionStateChange(state: { state: string; error?: unknown }): void;
}

function scriptedApi(history: { events: LiveEvent[]; resumeFrom: string }) {
  const subscriptions: Array<{ input: { lastEventId?: string }; handlers: Handlers; unsubscribed: boolean }> = [];
  let historyAnswered: () => void = () => {};
  const historyServed = new Promise<void>((resolve) => {
    historyAnswered = resolve;
  });
  const events = {
    recent: {
      query: async () => {
        historyAnswered();
        return history;
      },
    },
    subscribe: {
      subscribe(input: { lastEventId?: string }, handlers: Handlers) {
        const entry = { input, handlers, unsubscribed: false };
        subscriptions.push(entry);
        return {
          unsubscribe: () => {
            entry.unsubscribed = true;
          },
        };
      },
    },
  };
  const api: Api = { client: { events } as unknown as ApiClient, close: () => {} };
  const latest = () => {
    const entry = subscriptions.at(-1);
    if (!entry) throw new Error("no subscription yet");
    return entry;
  };
  return { api, subscriptions, latest, historyServed };
}

const at = new Date("2026-12-01T10:00:00Z");
let nextId = 1;
function event(type: LiveEvent["type"], credentialId = "c1"): LiveEvent {
  const base = { id: nextId++, organizationId: "o1", credentialId, username: "app", remoteAddress: "192.0.2.1" };
  if (type === "auth.succeeded") return { ...base, type, createdAt: at, data: { method: "PLAIN", tls: true } };
  if (type === "auth.rejected")
    return { ...base, type, createdAt: at, data: { method: "PLAIN", tls: true, reason: "bad_password" } };
  return { ...base, type: "credential.deactivated", createdAt: at, data: {} } as LiveEvent;
}

/** Lets the history query settle and the subscription be opened after it. */
const settled = () => new Promise<void>((resolve) => queueMicrotask(() => setTimeout(resolve, 0)));

describe("live events", () => {
  const disposers: Array<() => void> = [];
  afterEach(() => {
    for (const dispose of disposers.splice(0)) dispose();
  });

  function start(history: { events: LiveEvent[]; resumeFrom: string }) {
    const scripted = scriptedApi(history);
    const live = createRoot((dispose) => {
      disposers.push(dispose);
      return createLive(scripted.api);
    });
    disposers.push(() => live.dispose());
    return { ...scripted, live };
  }

  it("shows recent logins first, then subscribes from the history's resume point so nothing is missed", async () => {
    const old = event("auth.rejected");
    const { live, latest, historyServed } = start({ events: [old], resumeFrom: "41" });
    await historyServed;
    await settled();
    expect(latest().input).toEqual({ lastEventId: "41" });
    expect(live.feed().map((e) => e.id)).toEqual([old.id]);
    expect(live.status()).toBe("connecting");
    latest().handlers.onStarted();
    expect(live.status()).toBe("live");
  });

  it("keeps logins in the feed, newest first, and hands every event to listeners", async () => {
    const { live, latest, historyServed } = start({ events: [], resumeFrom: "0" });
    await historyServed;
    await settled();
    const heard: number[] = [];
    live.listen((e) => heard.push(e.id));
    const login = event("auth.succeeded");
    const change = event("credential.deactivated");
    const refusal = event("auth.rejected");
    for (const e of [login, change, refusal]) latest().handlers.onData({ id: String(e.id), data: e });
    expect(live.feed().map((e) => e.id)).toEqual([refusal.id, login.id]);
    expect(heard).toEqual([login.id, change.id, refusal.id]);
  });

  it("after a dropped stream, resubscribes after the last event it received", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const { live, latest, subscriptions, historyServed } = start({ events: [], resumeFrom: "7" });
      await historyServed;
      await vi.runAllTimersAsync();
      const first = latest();
      const seen = event("auth.succeeded");
      first.handlers.onData({ id: "12", data: seen });
      first.handlers.onError({ message: "socket closed" });
      expect(live.status()).toBe("reconnecting");
      await vi.runAllTimersAsync();
      expect(subscriptions).toHaveLength(2);
      expect(latest().input).toEqual({ lastEventId: "12" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("stops for good when access is lost, and tells the screens why", async () => {
    const { live, latest, subscriptions, historyServed } = start({ events: [], resumeFrom: "3" });
    await historyServed;
    await settled();
    const lost: unknown[] = [];
    live.onAccessLost((error) => lost.push(error));
    latest().handlers.onError({ message: "Signed out elsewhere", data: { code: "UNAUTHORIZED" } });
    await settled();
    expect(live.status()).toBe("offline");
    expect(live.problem()).toBe("Signed out elsewhere");
    expect(lost).toHaveLength(1);
    expect(subscriptions).toHaveLength(1);
  });

  it("reconnects at once on request, ending the old subscription", async () => {
    const { live, latest, subscriptions, historyServed } = start({ events: [], resumeFrom: "5" });
    await historyServed;
    await settled();
    const first = latest();
    live.reconnect();
    await settled();
    expect(first.unsubscribed).toBe(true);
    expect(subscriptions).toHaveLength(2);
    expect(latest().input).toEqual({ lastEventId: "5" });
  });

  it("tells the query layer the server is unreachable while the stream is down, and reachable once it is back", async () => {
    const { live, latest, historyServed } = start({ events: [], resumeFrom: "9" });
    await historyServed;
    await settled();
    latest().handlers.onStarted();
    latest().handlers.onConnectionStateChange({ state: "connecting", error: new Error("socket closed") });
    expect(live.status()).toBe("reconnecting");
    expect(onlineManager.isOnline()).toBe(false);
    live.reconnect();
    await settled();
    expect(onlineManager.isOnline()).toBe(false);
    latest().handlers.onStarted();
    expect(onlineManager.isOnline()).toBe(true);
  });
});
