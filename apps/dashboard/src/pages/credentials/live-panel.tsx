import { For } from "solid-js";
import { ActivityFeed } from "../../components/activity";
import { Icon } from "../../components/icon";
import { LoginChart } from "../../components/login-chart";
import type { Credential } from "../../lib/api";

/** Logins as they happen, for the organization or the one credential chosen in `filter`. */
export function LivePanel(props: { credentials: Credential[]; filter: string; onFilter: (id: string) => void }) {
  const name = () => props.credentials.find((c) => c.id === props.filter)?.username;
  return (
    <aside class="panel live-panel" aria-label="Live activity">
      <div class="live-panel-head">
        <h2 class="panel-title">
          <Icon name="activity" /> Live activity
        </h2>
        <label class="compact-field">
          <span class="visually-hidden">Filter by credential</span>
          <select
            value={props.filter}
            onChange={(e) => props.onFilter(e.currentTarget.value)}
            data-testid="feed-filter"
          >
            <option value="">All credentials</option>
            <For each={props.credentials}>{(c) => <option value={c.id}>{c.username}</option>}</For>
          </select>
        </label>
      </div>
      <LoginChart
        credentialId={props.filter || undefined}
        title={props.filter ? `Logins per minute · ${name() ?? ""}` : "Logins per minute · organization"}
      />
      <ActivityFeed credentialId={props.filter || undefined} />
    </aside>
  );
}
