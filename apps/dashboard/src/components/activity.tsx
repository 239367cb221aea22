import type { AuthRejectionReason } from "@relaypost/contract";
import { createEffect, createMemo, createSignal, For, onCleanup, Show } from "solid-js";
import type { LoginEvent } from "../lib/live";
import { isLogin, loginCount } from "../lib/live-event";
import { useSession } from "../lib/session";
import { Icon } from "./icon";
import { EmptyState, RelativeTime } from "./ui";

const REASONS: Record<AuthRejectionReason, string> = {
  bad_password: "Wrong password",
  malformed_password: "Password not in RelayPost's format",
  unknown_password: "Unknown password",
  inactive: "Credential is deactivated",
  username_mismatch: "Username does not match the password",
  throttled: "Too many failed attempts",
  tls_required: "Sent without TLS",
  ip_not_allowed: "Address not in the IP allowlist",
  expired: "Credential has expired",
};

export const rejectionReason = (event: LoginEvent) =>
  event.type === "auth.rejected" ? REASONS[event.data.reason] : "";

/** What a screen reader hears of a new login: the entry's own text, not the whole list again. */
export const announcement = (event: LoginEvent) =>
  event.type === "auth.succeeded"
    ? `Login accepted: ${event.username ?? "unknown"} from ${event.remoteAddress ?? "unknown address"}`
    : `Login rejected: ${event.username ?? "unknown"}, ${rejectionReason(event)}`;

/** Accepted and rejected SMTP logins as they arrive, newest first; each new one is announced politely. */
export function ActivityFeed(props: { credentialId?: string | undefined; limit?: number }) {
  const { live } = useSession();
  const events = createMemo(() => {
    const all = live().feed();
    const filtered = props.credentialId ? all.filter((e) => e.credentialId === props.credentialId) : all;
    return filtered.slice(0, props.limit ?? 100);
  });
  const [latest, setLatest] = createSignal("");
  // Only live events reach listeners, so the history loaded at start is not read out.
  createEffect(() => {
    const stop = live().listen((event) => {
      if (!isLogin(event) || (props.credentialId && event.credentialId !== props.credentialId)) return;
      setLatest(announcement(event));
    });
    onCleanup(stop);
  });
  return (
    <>
      <p class="visually-hidden" role="status" aria-live="polite" data-testid="feed-announcement">
        {latest()}
      </p>
      <FeedList events={events()} />
    </>
  );
}

function FeedList(props: { events: LoginEvent[] }) {
  const events = () => props.events;
  return (
    <Show
      when={events().length > 0}
      fallback={
        <EmptyState icon="activity" title="No logins yet">
          <p class="muted">SMTP logins of the last days appear here, and new ones the moment they happen.</p>
        </EmptyState>
      }
    >
      <ol class="feed" aria-label="SMTP logins" data-testid="activity-feed">
        <For each={events()}>
          {(event) => {
            const accepted = event.type === "auth.succeeded";
            return (
              <li class="feed-item" data-testid="feed-item" data-event={event.type}>
                <span class="feed-icon" classList={{ ok: accepted, bad: !accepted }}>
                  <Icon name={accepted ? "check" : "x"} size={14} />
                </span>
                <div class="feed-main">
                  <div class="feed-line">
                    <strong>{accepted ? "Login accepted" : "Login rejected"}</strong>
                    <Show when={!accepted}>
                      <span class="feed-reason" data-testid="feed-reason">
                        {rejectionReason(event)}
                      </span>
                    </Show>
                    <Show when={loginCount(event) > 1}>
                      <span class="feed-count" data-testid="feed-count" title="Refused logins counted in this entry">
                        ×{loginCount(event).toLocaleString()}
                      </span>
                    </Show>
                  </div>
                  <div class="feed-meta">
                    <span class="mono">{event.username ?? "unknown"}</span>
                    <span aria-hidden="true">·</span>
                    <span class="mono" title="Remote address">
                      {event.remoteAddress ?? "unknown address"}
                    </span>
                  </div>
                </div>
                <span class="feed-time">
                  <RelativeTime date={event.createdAt} />
                </span>
              </li>
            );
          }}
        </For>
      </ol>
    </Show>
  );
}
