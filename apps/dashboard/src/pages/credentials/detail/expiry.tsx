import { Match, Switch } from "solid-js";
import { RelativeTime } from "../../../components/ui";
import { useNow } from "../../../lib/clock";
import { expiryState } from "../../../lib/restrictions";
import { formatDateTime } from "../../../lib/time";

/** When a credential expires, in words, so the state never rests on colour alone. */
export function ExpiryText(props: { expiresAt: Date | null }) {
  const now = useNow();
  return (
    <Switch fallback={<span class="muted">Never</span>}>
      <Match when={props.expiresAt}>
        {(date) => (
          <span>
            {formatDateTime(date())} (<RelativeTime date={date()} />)
            <ExpiryBadge expiresAt={date()} now={now()} />
          </span>
        )}
      </Match>
    </Switch>
  );
}

/** "Expired" or "Expires soon" as a labelled badge; nothing for a credential far from expiry. */
export function ExpiryBadge(props: { expiresAt: Date | null; now: number }) {
  const state = () => expiryState(props.expiresAt, props.now);
  const title = () => (props.expiresAt ? `Expires ${formatDateTime(props.expiresAt)}` : undefined);
  return (
    <Switch>
      <Match when={state() === "expired"}>
        <span class="badge badge-failed" data-testid="expiry-flag" title={title()}>
          Expired
        </span>
      </Match>
      <Match when={state() === "soon"}>
        <span class="badge badge-deferred" data-testid="expiry-flag" title={title()}>
          Expires soon
        </span>
      </Match>
    </Switch>
  );
}
