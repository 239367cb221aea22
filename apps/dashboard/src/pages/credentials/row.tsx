import { Show } from "solid-js";
import { Icon } from "../../components/icon";
import { RelativeTime } from "../../components/ui";
import type { Credential } from "../../lib/api";
import { useNow } from "../../lib/clock";
import { HOME, MESSAGES } from "../../lib/next-path";
import { formatDate } from "../../lib/time";
import type { CredentialActions } from "./actions";
import { ExpiryBadge } from "./detail/expiry";

export function CredentialRow(props: { credential: Credential; actions: CredentialActions }) {
  const c = () => props.credential;
  const now = useNow();
  return (
    <tr data-testid="credential-row" data-username={c().username} data-credential-id={c().id}>
      <td class="cell-main">
        <span class="username-line">
          <a class="mono username" href={`${HOME}/${c().id}`} title="Restrictions and password">
            {c().username}
          </a>
          <ExpiryBadge expiresAt={c().expiresAt} now={now()} />
        </span>
        <Show when={c().description}>
          <span class="description">{c().description}</span>
        </Show>
      </td>
      <td class="cell-status">
        <span class="status">
          <ActiveToggle credential={c()} actions={props.actions} />
          <span class="badge" classList={{ "badge-ok": c().active, "badge-off": !c().active }} data-testid="status">
            {c().active ? "Active" : "Inactive"}
          </span>
        </span>
      </td>
      <td class="cell-used" data-label="Last used">
        <span data-testid="last-used">
          <RelativeTime date={c().lastUsedAt} />
        </span>
        <SentCounts credentialId={c().id} counts={props.actions.sent(c().id)} />
      </td>
      <td class="cell-created nowrap" data-label="Created">
        <time datetime={c().createdAt.toISOString()}>{formatDate(c().createdAt)}</time>
      </td>
      <td class="cell-actions">
        <RowButtons credential={c()} actions={props.actions} />
      </td>
    </tr>
  );
}

/**
 * "3 / 12 sent": messages in the last 24 hours / 7 days, under the last use so the table grows no wider; each number
 * is named for screen readers, and the line links to the credential's messages.
 */
function SentCounts(props: { credentialId: string; counts: { last24h: number; last7d: number } | undefined }) {
  return (
    <Show when={props.counts}>
      {(counts) => (
        <a href={`${MESSAGES}?credential=${props.credentialId}`} class="sent-line" title="Show its messages">
          <span data-testid="sent-24h">{counts().last24h}</span>
          <span class="visually-hidden"> sent in the last 24 hours,</span>
          <span aria-hidden="true"> / </span>
          <span data-testid="sent-7d">{counts().last7d}</span>
          <span class="visually-hidden"> in the last 7 days</span>
          <span aria-hidden="true"> sent</span>
        </a>
      )}
    </Show>
  );
}

function RowButtons(props: { credential: Credential; actions: CredentialActions }) {
  const c = () => props.credential;
  return (
    <div class="row-actions">
      <button
        type="button"
        class="icon-button"
        aria-pressed={props.actions.filter() === c().id}
        onClick={() => props.actions.toggleFilter(c().id)}
        aria-label={`Show activity of ${c().username}`}
        title="Show its activity"
      >
        <Icon name="activity" />
      </button>
      <Show when={props.actions.canWrite()}>
        <button
          type="button"
          class="button button-small"
          onClick={() => props.actions.regenerate(c())}
          aria-label={`Regenerate password of ${c().username}`}
          title="Regenerate password"
        >
          <Icon name="refresh" /> Regenerate
        </button>
        <button
          type="button"
          class="icon-button icon-button-danger"
          onClick={() => props.actions.remove(c())}
          aria-label={`Delete ${c().username}`}
          title="Delete"
        >
          <Icon name="trash" />
        </button>
      </Show>
    </div>
  );
}

/**
 * Drawn as a switch but named by what pressing it does ("Deactivate rails_production"), which a switch's fixed name
 * with an on/off state cannot say; deactivating asks first.
 */
function ActiveToggle(props: { credential: Credential; actions: CredentialActions }) {
  const c = () => props.credential;
  const verb = () => (c().active ? "Deactivate" : "Activate");
  return (
    <button
      type="button"
      class="switch switch-action"
      data-on={c().active}
      aria-label={`${verb()} ${c().username}`}
      title={verb()}
      disabled={!props.actions.canWrite() || props.actions.busy(c().id)}
      aria-busy={props.actions.busy(c().id)}
      onClick={() => props.actions.setActive(c(), !c().active)}
    >
      <span class="switch-thumb" />
    </button>
  );
}
