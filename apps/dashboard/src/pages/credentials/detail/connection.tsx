import { createSignal, createUniqueId, For, Show } from "solid-js";
import { CopyButton, CopyField } from "../../../components/form";
import {
  connectionFor,
  PASSWORD_VARIABLE,
  SNIPPET_KINDS,
  SNIPPET_LABELS,
  type SnippetKind,
  snippet,
  type TlsMode,
} from "../../../lib/smtp";
import { useSmtpSettings } from "../use-smtp-settings";

const isKind = (value: string): value is SnippetKind => (SNIPPET_KINDS as readonly string[]).includes(value);
const isTls = (value: string): value is TlsMode => value === "starttls" || value === "implicit";

/** The server's SMTP settings for this credential, each field and each library's snippet ready to copy. */
export function ConnectionSettings(props: { username: string }) {
  const settings = useSmtpSettings();
  const [kind, setKind] = createSignal<SnippetKind>("env");
  const [tls, setTls] = createSignal<TlsMode>("starttls");
  const text = () => snippet(kind(), connectionFor(settings(), tls(), props.username));
  const kindId = createUniqueId();
  const tlsId = createUniqueId();
  return (
    <section class="panel" aria-labelledby="connection-title">
      <h2 id="connection-title" class="panel-title">
        Connection settings
      </h2>
      <div class="connection-fields">
        <CopyField label="Host" value={settings().host} testId="connection-host" />
        <CopyField label="Port" value={String(settings().port)} testId="connection-port" />
        <Show when={settings().implicitTlsPort}>
          {(port) => <CopyField label="Implicit TLS port" value={String(port())} testId="connection-tls-port" />}
        </Show>
        <CopyField label="Security" value={settings().security} testId="connection-security" />
        <CopyField label="Username" value={props.username} testId="connection-username" />
      </div>
      <h3 class="subhead">Snippets</h3>
      <p class="muted">
        They read the password from <code>{PASSWORD_VARIABLE}</code>: it was shown once, when it was made.
      </p>
      <div class="snippet-controls">
        <label for={kindId}>Library</label>
        <select
          id={kindId}
          value={kind()}
          onChange={(e) => {
            const value = e.currentTarget.value;
            if (isKind(value)) setKind(value);
          }}
        >
          <For each={SNIPPET_KINDS}>{(k) => <option value={k}>{SNIPPET_LABELS[k]}</option>}</For>
        </select>
        <Show when={settings().implicitTlsPort !== null}>
          <label for={tlsId}>TLS</label>
          <select
            id={tlsId}
            value={tls()}
            onChange={(e) => {
              const value = e.currentTarget.value;
              if (isTls(value)) setTls(value);
            }}
          >
            <option value="starttls">STARTTLS on port {settings().port}</option>
            <option value="implicit">Implicit TLS on port {settings().implicitTlsPort}</option>
          </select>
        </Show>
        <CopyButton label={`${SNIPPET_LABELS[kind()]} snippet`} value={text()} />
      </div>
      <pre class="snippet" data-testid="connection-snippet" data-kind={kind()}>
        <code>{text()}</code>
      </pre>
    </section>
  );
}
