import { Show } from "solid-js";
import { FormError } from "../../../components/form";
import { Icon } from "../../../components/icon";
import { RelativeTime } from "../../../components/ui";
import type { Credential } from "../../../lib/api";
import { useNow } from "../../../lib/clock";
import { liveOverlap } from "../../../lib/restrictions";
import { useSession } from "../../../lib/session";
import { createSubmission } from "../../../lib/submission";
import { formatDateTime } from "../../../lib/time";

/** When the password was set, the previous one's overlap while it lasts, and the actions on them. */
export function PasswordPanel(props: {
  credential: Credential;
  onRegenerate: () => void;
  onSaved: (credential: Credential) => void;
}) {
  const session = useSession();
  const now = useNow();
  const overlap = () => liveOverlap(props.credential.previousPasswordExpiresAt, now());
  const ending = createSubmission();
  const end = () =>
    void ending.run(async () => {
      props.onSaved(await session.api().smtpCredentials.endPreviousPassword.mutate({ id: props.credential.id }));
    });
  return (
    <section class="panel" aria-labelledby="password-title">
      <h2 id="password-title" class="panel-title">
        Password
      </h2>
      <p>
        Set <RelativeTime date={props.credential.passwordChangedAt} /> (
        {formatDateTime(props.credential.passwordChangedAt)}).
      </p>
      <Show when={overlap()}>
        {(until) => (
          <div class="callout callout-warning" role="note" data-testid="password-overlap">
            <Icon name="alert" />
            <p>
              The previous password also works until <strong>{formatDateTime(until())}</strong> (
              <RelativeTime date={until()} />
              ), so applications can move to the new one.
            </p>
          </div>
        )}
      </Show>
      <FormError message={ending.error()} />
      <Show when={session.canWrite()}>
        <div class="form-actions">
          <button type="button" class="button" onClick={() => props.onRegenerate()}>
            <Icon name="refresh" /> Regenerate password
          </button>
          <Show when={overlap()}>
            <button type="button" class="button button-danger" disabled={ending.busy()} onClick={end}>
              {ending.busy() ? "Ending…" : "End previous password now"}
            </button>
          </Show>
        </div>
      </Show>
    </section>
  );
}
