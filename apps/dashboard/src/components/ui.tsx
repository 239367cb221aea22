import { For, type JSX, Show } from "solid-js";
import { errorMessage } from "../lib/api";
import { useNow } from "../lib/clock";
import { useSession } from "../lib/session";
import { formatDateTime, relativeTime } from "../lib/time";
import { Icon, type IconName } from "./icon";

/** A relative time that follows the shared clock, with the exact time on hover and for screen readers. */
export function RelativeTime(props: { date: Date | null; never?: string }) {
  const now = useNow();
  return (
    <Show when={props.date} fallback={<span class="muted">{props.never ?? "Never"}</span>}>
      {(date) => (
        <time datetime={date().toISOString()} title={formatDateTime(date())}>
          {relativeTime(date(), now())}
        </time>
      )}
    </Show>
  );
}

export function ErrorState(props: { error: unknown; retry?: () => void }) {
  return (
    <div class="state state-error" role="alert">
      <Icon name="alert" size={22} />
      <p>{errorMessage(props.error)}</p>
      <Show when={props.retry}>
        {(retry) => (
          <button type="button" class="button" onClick={() => retry()()}>
            Try again
          </button>
        )}
      </Show>
    </div>
  );
}

export function EmptyState(props: { icon: IconName; title: string; children?: JSX.Element }) {
  return (
    <div class="state">
      <span class="state-icon">
        <Icon name={props.icon} size={22} />
      </span>
      <h3>{props.title}</h3>
      {props.children}
    </div>
  );
}

export function Spinner(props: { label?: string }) {
  return (
    <div class="state" aria-busy="true">
      <span class="spinner" />
      <span class="muted">{props.label ?? "Loading…"}</span>
    </div>
  );
}

export function RoleBadge(props: { role: string }) {
  return <span class={`badge badge-role badge-${props.role}`}>{props.role}</span>;
}

/** A settings page's title and lead, with its main action for those allowed to write. */
export function PageHeader(props: {
  title: string;
  lead: string;
  eyebrow?: string;
  /** For writers only; `danger` for an action that destroys (it still only opens a confirmation). */
  action?: { icon: IconName; label: string; onClick: () => void; danger?: boolean } | undefined;
}) {
  const { canWrite } = useSession();
  return (
    <header class="page-header">
      <div>
        <p class="eyebrow">{props.eyebrow ?? "Settings"}</p>
        <h1>{props.title}</h1>
        <p class="lead">{props.lead}</p>
      </div>
      <Show when={props.action && canWrite() ? props.action : undefined}>
        {(action) => (
          <button
            type="button"
            class={`button ${action().danger ? "button-danger" : "button-primary"}`}
            onClick={() => action().onClick()}
          >
            <Icon name={action().icon} /> {action().label}
          </button>
        )}
      </Show>
    </header>
  );
}

/** A table row's destructive action (revoke, remove); it only opens a confirmation. */
export function RowDangerButton(props: { label: string; onClick: () => void }) {
  return (
    <button type="button" class="button button-small button-ghost-danger" onClick={() => props.onClick()}>
      {props.label}
    </button>
  );
}

export function Table(props: { caption: string; head: string[]; children: JSX.Element; class?: string }) {
  return (
    // Focusable and named, so a table scrolled sideways on a phone can be scrolled from the keyboard too.
    <section class="table-wrap" tabindex="0" aria-label={props.caption}>
      <table class={props.class}>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <For each={props.head}>{(h) => <th scope="col">{h}</th>}</For>
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </section>
  );
}

/** A panel that calls for the admin's attention, titled beside a shield. */
export function WarningPanel(props: { id: string; title: string; children: JSX.Element }) {
  return (
    <section class="panel panel-warning" aria-labelledby={props.id}>
      <h2 id={props.id} class="panel-title">
        <Icon name="shield" /> {props.title}
      </h2>
      {props.children}
    </section>
  );
}
