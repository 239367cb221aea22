import { createMemo, For, Show } from "solid-js";
import { RelativeTime, WarningPanel } from "../../components/ui";
import type { Credential } from "../../lib/api";
import { useNow } from "../../lib/clock";
import { formatDate } from "../../lib/time";
import type { CredentialActions } from "./actions";
import { isPasswordOld, isUnused, PASSWORD_MAX_AGE_DAYS, UNUSED_DAYS } from "./rules";

/** Credentials unused for a month or with an old password, each with the action that fixes it. */
export function SecurityFlags(props: { credentials: Credential[]; actions: CredentialActions }) {
  const now = useNow();
  const flagged = createMemo(() => props.credentials.filter((c) => isUnused(c, now()) || isPasswordOld(c, now())));
  return (
    <Show when={flagged().length > 0}>
      <WarningPanel id="flags-title" title="Security recommendations">
        <ul class="flags" data-testid="security-flags">
          <For each={flagged()}>{(c) => <Flag credential={c} actions={props.actions} now={now()} />}</For>
        </ul>
      </WarningPanel>
    </Show>
  );
}

function Flag(props: { credential: Credential; actions: CredentialActions; now: number }) {
  const c = () => props.credential;
  return (
    <li class="flag">
      <span class="mono">{c().username}</span>
      <Show when={isUnused(c(), props.now)}>
        <span class="flag-text">
          Not used for {UNUSED_DAYS}+ days (last used <RelativeTime date={c().lastUsedAt} never="never" />)
        </span>
        <Show when={props.actions.canWrite()}>
          <button
            type="button"
            class="button button-small"
            disabled={props.actions.busy(c().id)}
            onClick={() => props.actions.setActive(c(), false)}
          >
            Deactivate
          </button>
        </Show>
      </Show>
      <Show when={isPasswordOld(c(), props.now)}>
        <span class="flag-text">
          Password is older than {PASSWORD_MAX_AGE_DAYS} days (set {formatDate(c().passwordChangedAt)})
        </span>
        <Show when={props.actions.canWrite()}>
          <button type="button" class="button button-small" onClick={() => props.actions.regenerate(c())}>
            Regenerate
          </button>
        </Show>
      </Show>
    </li>
  );
}
