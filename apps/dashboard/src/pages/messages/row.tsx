import { createUniqueId, For, Show } from "solid-js";
import { Icon } from "../../components/icon";
import { RelativeTime } from "../../components/ui";
import { formatBytes } from "../../lib/bytes";
import type { Message } from "../../lib/message-cache";
import { formatDateTime } from "../../lib/time";
import { MessageStatusBadge, RecipientStateBadge } from "./status-badge";

export const COLUMNS = [
  "Time",
  "Credential",
  "Envelope",
  "Subject",
  "Size",
  "Status",
  "Attempts",
  "Last reply",
] as const;

/** One message; its button opens the per-recipient results in a row beneath. */
export function MessageRow(props: { message: Message; credential: string; open: boolean; onToggle: () => void }) {
  const m = () => props.message;
  const detailId = createUniqueId();
  const first = () => m().rcptTo[0] ?? "";
  const others = () => m().rcptTo.length - 1;
  return (
    <>
      <tr data-testid="message-row" data-message-id={m().id} classList={{ "row-open": props.open }}>
        <td class="nowrap cell-time" data-label="Time">
          <RelativeTime date={m().createdAt} />
        </td>
        <td class="mono cell-credential" data-label="Credential">
          {props.credential}
        </td>
        <td class="mono cell-address">
          <span class="address-line">
            <span class="address-label">From</span> {m().mailFrom || "<>"}
          </span>
          <span class="address-line">
            <span class="address-label">To</span> {first()}
            <Show when={others() > 0}>
              <span class="muted"> +{others()} more</span>
            </Show>
          </span>
        </td>
        <td class="cell-subject">{m().subject ?? <span class="muted">(no subject)</span>}</td>
        <td class="nowrap cell-size" data-label="Size">
          {formatBytes(m().size)}
        </td>
        <td class="cell-status">
          <MessageStatusBadge status={m().status} />
        </td>
        <td class="cell-number" data-label="Attempts" data-testid="message-attempts">
          {m().attempts}
        </td>
        <td class="mono cell-reply" data-label="Last reply" data-testid="message-reply">
          {m().lastReply ?? <span class="muted">—</span>}
        </td>
        <td class="cell-actions">
          <button
            type="button"
            class="button button-small"
            aria-expanded={props.open}
            aria-controls={detailId}
            onClick={() => props.onToggle()}
            aria-label={`Details of the message to ${first()}`}
          >
            <Icon name="list" /> Details
          </button>
        </td>
      </tr>
      <Show when={props.open}>
        <tr class="message-detail" id={detailId}>
          <td colSpan={COLUMNS.length + 1}>
            <MessageDetail message={m()} />
          </td>
        </tr>
      </Show>
    </>
  );
}

function MessageDetail(props: { message: Message }) {
  const m = () => props.message;
  return (
    <div class="message-detail-body" data-testid="message-detail">
      <dl class="settings-grid">
        <dt>Accepted</dt>
        <dd>{formatDateTime(m().createdAt)}</dd>
        <dt>Relayed</dt>
        <dd>
          <Show when={m().relayedAt} fallback="Not yet">
            {(at) => formatDateTime(at())}
          </Show>
        </dd>
        <dt>Message</dt>
        <dd class="mono">{m().id}</dd>
      </dl>
      <h3 class="subhead">Recipients</h3>
      <ul class="recipient-results">
        <For each={m().recipients}>
          {(r) => (
            <li data-testid="recipient-result">
              <span class="mono">{r.address}</span>
              <RecipientStateBadge state={r.state} />
              <span class="mono muted">{r.reply ?? "No reply yet"}</span>
            </li>
          )}
        </For>
      </ul>
    </div>
  );
}
