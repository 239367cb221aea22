import { batch, createSignal } from "solid-js";
import type { Api, ConnectionState } from "./api";
import { isLogin, type LiveEvent, type LoginEvent } from "./live-event";
import { createLoginCounts } from "./login-counts";
import { serverReachable } from "./query";

export type { LiveEvent, LoginEvent };

export type LiveStatus = ConnectionState | "offline";

const FEED_LIMIT = 500;

/**
 * The organization's live events: one subscription feeding the activity feed, the per-minute counts and whichever
 * screens listen (the credential list). After a drop the subscription resumes from the last event id it saw, so
 * screens catch up on everything that happened meanwhile.
 */
export function createLive(api: Api) {
  const [status, setLiveStatus] = createSignal<LiveStatus>("connecting");
  // A drop and its recovery are the query layer's too: what failed meanwhile is asked again once the socket is back.
  const setStatus = (next: LiveStatus) => {
    if (next === "reconnecting") serverReachable(false);
    if (next === "live") serverReachable(true);
    setLiveStatus(next);
  };
  const [problem, setProblem] = createSignal<string | null>(null);
  const [feed, setFeed] = createSignal<LoginEvent[]>([]);
  const [countsVersion, setCountsVersion] = createSignal(0);
  const counts = createLoginCounts();
  const listeners = new Set<(event: LiveEvent) => void>();
  const fatalListeners = new Set<(error: unknown) => void>();
  let lastEventId: string | undefined;
  let subscription: { unsubscribe(): void } | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let attempts = 0;
  let disposed = false;
  let historyLoaded = false;

  function receive(event: LiveEvent) {
    batch(() => {
      if (isLogin(event)) {
        setFeed((current) => [event, ...current].slice(0, FEED_LIMIT));
        counts.add(event);
        setCountsVersion((v) => v + 1);
      }
      for (const listener of listeners) listener(event);
    });
  }

  /** Recent logins for the feed and chart, and the id the live subscription continues from without a gap. */
  async function loadHistory(): Promise<string | undefined> {
    try {
      const recent = await api.client.events.recent.query({ limit: 200, types: ["auth.succeeded", "auth.rejected"] });
      batch(() => {
        for (const event of recent.events) {
          if (!isLogin(event)) continue;
          setFeed((current) => [event, ...current].slice(0, FEED_LIMIT));
          counts.add(event);
        }
        setCountsVersion((v) => v + 1);
      });
      return recent.resumeFrom;
    } catch {
      // Without history the feed starts empty and fills live; the subscription reports any lasting problem.
      return undefined;
    }
  }

  async function start() {
    if (lastEventId === undefined && !historyLoaded) {
      historyLoaded = true;
      lastEventId = await loadHistory();
      if (disposed) return;
    }
    subscription = api.client.events.subscribe.subscribe(lastEventId ? { lastEventId } : {}, {
      onStarted() {
        attempts = 0;
        setProblem(null);
        setStatus("live");
      },
      onData(envelope) {
        lastEventId = envelope.id;
        receive(envelope.data);
      },
      onConnectionStateChange(state) {
        if (state.state === "connecting" && state.error) setStatus("reconnecting");
        if (state.state === "pending" && status() === "reconnecting") setStatus("live");
      },
      onError(error) {
        subscription = undefined;
        const code = error.data?.code;
        if (code === "UNAUTHORIZED" || code === "FORBIDDEN" || code === "NOT_FOUND") {
          setStatus("offline");
          setProblem(error.message);
          for (const listener of fatalListeners) listener(error);
          return;
        }
        setStatus("reconnecting");
        retryTimer = setTimeout(() => void start(), Math.min(1000 * 2 ** attempts++, 15_000));
      },
    });
  }
  void start();

  return {
    status,
    problem,
    feed,
    /** Logins per minute for the last CHART_MINUTES minutes ending at `at`, oldest first. */
    perMinute(credentialId: string | undefined, at: number) {
      countsVersion();
      return counts.perMinute(credentialId, at);
    },
    /** Calls `listener` with every event; returns the function that stops it. */
    listen(listener: (event: LiveEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Access to the organization ended (signed out elsewhere, removed, role changed). */
    onAccessLost(listener: (error: unknown) => void) {
      fatalListeners.add(listener);
      return () => fatalListeners.delete(listener);
    },
    /** Resubscribes now instead of waiting for the back-off, resuming after the last event seen. */
    reconnect() {
      if (disposed) return;
      clearTimeout(retryTimer);
      subscription?.unsubscribe();
      attempts = 0;
      setStatus("connecting");
      void start();
    },
    dispose() {
      disposed = true;
      // A connection given up while down (signed out, organization switched) must not leave queries thinking so.
      if (status() === "reconnecting") serverReachable(true);
      clearTimeout(retryTimer);
      subscription?.unsubscribe();
      listeners.clear();
      fatalListeners.clear();
    },
  };
}

export type Live = ReturnType<typeof createLive>;
