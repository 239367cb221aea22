import { createSignal, createUniqueId, For, Show } from "solid-js";
import { ConfirmDialog } from "../../components/dialog";
import type { Credential } from "../../lib/api";
import { OVERLAP_CHOICES } from "../../lib/restrictions";
import { useSession } from "../../lib/session";

export function RegenerateDialog(props: {
  credential: Credential;
  onClose: () => void;
  onDone: (result: { credential: Credential; password: string }) => void;
}) {
  const { api } = useSession();
  const [keep, setKeep] = createSignal(0);
  const keepId = createUniqueId();
  return (
    <ConfirmDialog
      title={`Regenerate the password of ${props.credential.username}?`}
      confirmLabel="Regenerate password"
      onClose={props.onClose}
      onConfirm={async () => {
        props.onDone(
          await api().smtpCredentials.regeneratePassword.mutate({
            id: props.credential.id,
            keepPreviousForSeconds: keep(),
          }),
        );
      }}
    >
      <Show
        when={keep() > 0}
        fallback={
          <p>
            <strong>The current password stops working immediately.</strong> Every application using it fails to log in
            until you give it the new password, which is shown once.
          </p>
        }
      >
        <p>
          <strong>Both passwords work for the chosen time</strong>, so applications can move to the new one, which is
          shown once. You can end the previous password sooner from the credential's page.
        </p>
      </Show>
      <div class="field">
        <label for={keepId}>Keep the current password working</label>
        <select id={keepId} value={keep()} onChange={(e) => setKeep(Number(e.currentTarget.value))}>
          <For each={OVERLAP_CHOICES}>{(choice) => <option value={choice.seconds}>{choice.label}</option>}</For>
        </select>
      </div>
    </ConfirmDialog>
  );
}

export function DeleteDialog(props: { credential: Credential; onClose: () => void; onDone: () => void }) {
  const { api } = useSession();
  return (
    <ConfirmDialog
      title={`Delete ${props.credential.username}?`}
      confirmLabel="Delete credential"
      onClose={props.onClose}
      onConfirm={async () => {
        await api().smtpCredentials.delete.mutate({ id: props.credential.id });
        props.onDone();
      }}
    >
      <p>
        This is permanent. Applications using <span class="mono">{props.credential.username}</span> can no longer log
        in. Its history stays in the audit log. To pause it instead, deactivate it.
      </p>
    </ConfirmDialog>
  );
}

/** Turning a credential off is an outage for whatever uses it, so it says what stops before it happens. */
export function DeactivateDialog(props: {
  credential: Credential;
  onClose: () => void;
  onDone: (credential: Credential) => void;
}) {
  const { api } = useSession();
  return (
    <ConfirmDialog
      title={`Deactivate ${props.credential.username}?`}
      confirmLabel="Deactivate credential"
      onClose={props.onClose}
      onConfirm={async () => {
        props.onDone(await api().smtpCredentials.setActive.mutate({ id: props.credential.id, active: false }));
      }}
    >
      <p data-testid="deactivate-consequences">
        <strong>
          <span class="mono">{props.credential.username}</span> will stop authenticating.
        </strong>{" "}
        Applications using it will get <span class="mono">535 5.7.8 Authentication credentials invalid</span> until it
        is activated again; sessions open now are closed. Its password and settings are kept.
      </p>
    </ConfirmDialog>
  );
}
