import { Show } from "solid-js";
import { CopyField } from "../../components/form";
import { RevealDialog } from "../../components/reveal-dialog";
import type { Credential } from "../../lib/api";
import { formatDateTime } from "../../lib/time";
import { useSmtpSettings } from "./use-smtp-settings";

export type Reveal = { credential: Credential; password: string; regenerated: boolean };

/** A new password once, with the SMTP settings to paste beside it. */
export function PasswordReveal(props: { reveal: Reveal; onClose: () => void }) {
  const settings = useSmtpSettings();
  return (
    <RevealDialog
      title={props.reveal.regenerated ? "New password generated" : "Credential created"}
      notice={
        <>
          <strong>Copy this password now. You will not see it again.</strong> <Notice reveal={props.reveal} />
        </>
      }
      doneLabel="I've saved the password"
      onClose={props.onClose}
    >
      <CopyField label="Password" value={props.reveal.password} secret testId="revealed-password" />
      <h3 class="subhead">SMTP settings</h3>
      <dl class="settings-grid">
        <dt>Host</dt>
        <dd class="mono">{settings().host}</dd>
        <dt>Port</dt>
        <dd class="mono" data-testid="revealed-port">
          {settings().port}
        </dd>
        <dt>TLS</dt>
        <dd>{settings().security}</dd>
        <dt>Username</dt>
        <dd class="mono" data-testid="revealed-username">
          {props.reveal.credential.username}
        </dd>
        <dt>Authentication</dt>
        <dd>PLAIN or LOGIN</dd>
      </dl>
    </RevealDialog>
  );
}

function Notice(props: { reveal: Reveal }) {
  const until = () => props.reveal.credential.previousPasswordExpiresAt;
  return (
    <Show when={props.reveal.regenerated} fallback="RelayPost keeps only a hash of it.">
      <Show when={until()} fallback="The previous password has stopped working.">
        {(date) => `The previous password keeps working until ${formatDateTime(date())}.`}
      </Show>
    </Show>
  );
}
