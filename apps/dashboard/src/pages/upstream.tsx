import { useQuery, useQueryClient } from "@tanstack/solid-query";
import { createSignal, createUniqueId, Show } from "solid-js";
import { Field, FormError } from "../components/form";
import { QueryView } from "../components/query-view";
import { PageHeader } from "../components/ui";
import type { ApiClient, Outputs } from "../lib/api";
import { queryKeys } from "../lib/query";
import { useSession } from "../lib/session";
import { createSubmission } from "../lib/submission";

type Settings = Outputs["upstream"]["get"];
type TestResult = Awaited<ReturnType<ApiClient["upstream"]["test"]["mutate"]>>;
type Tls = "starttls" | "implicit" | "none";

const TLS_LABELS: Record<Tls, string> = {
  starttls: "STARTTLS required (port 587)",
  implicit: "Implicit TLS (port 465)",
  none: "None: plaintext (development only)",
};

/** The organization's own upstream (smarthost): owners edit it, everyone else reads it; admins may test it. */
export function UpstreamPage() {
  const session = useSession();
  const client = useQueryClient();
  const key = () => queryKeys.upstream(session.organizationId() ?? "");
  const settings = useQuery(() => ({ queryKey: key(), queryFn: () => session.api().upstream.get.query() }));
  const refetch = () => {
    void client.invalidateQueries({ queryKey: key() });
    void client.invalidateQueries({ queryKey: queryKeys.connectionSettings(session.organizationId() ?? "") });
  };
  return (
    <div class="page">
      <PageHeader
        title="Upstream"
        lead="The SMTP server (smarthost) this organization's accepted mail is handed to. Without one of its own, mail goes to the server's default upstream."
      />
      <QueryView query={settings}>
        {(current) => (
          <>
            <CurrentUpstream settings={current()} />
            <Show when={session.isOwner()}>
              <UpstreamForm settings={current()} onChanged={refetch} />
            </Show>
            <Show when={session.canWrite()}>
              <TestConnection />
            </Show>
          </>
        )}
      </QueryView>
    </div>
  );
}

function CurrentUpstream(props: { settings: Settings }) {
  return (
    <section class="panel" aria-labelledby="upstream-current-title" data-testid="upstream-current">
      <h2 id="upstream-current-title" class="panel-title">
        Where mail goes
      </h2>
      <Show
        when={props.settings.own}
        fallback={
          <p class="muted">
            {props.settings.serverDefault
              ? "To the server's default upstream (RELAY_URL): this organization has none of its own."
              : "Nowhere: no upstream is configured, so accepted mail is stored, not relayed."}
          </p>
        }
      >
        {(own) => (
          <dl class="details">
            <dt>Host</dt>
            <dd class="mono">
              {own().host}:{own().port}
            </dd>
            <dt>TLS</dt>
            <dd>
              {TLS_LABELS[own().tls]}
              {own().tls !== "none" && !own().tlsVerify ? ", certificate not verified" : ""}
            </dd>
            <dt>Login</dt>
            <dd>
              {own().username ? (
                <>
                  <span class="mono">{own().username}</span>
                  {own().passwordSet ? " (password set)" : ""}
                </>
              ) : (
                "none"
              )}
            </dd>
          </dl>
        )}
      </Show>
    </section>
  );
}

function UpstreamForm(props: { settings: Settings; onChanged: () => void }) {
  const session = useSession();
  // The form starts from what is saved; what is saved (after Save) is read live.
  const own = () => props.settings.own;
  const initial = own();
  const [host, setHost] = createSignal(initial?.host ?? "");
  const [port, setPort] = createSignal(String(initial?.port ?? 587));
  const [tls, setTls] = createSignal<Tls>(initial?.tls ?? "starttls");
  const [tlsVerify, setTlsVerify] = createSignal(initial?.tlsVerify ?? true);
  const [username, setUsername] = createSignal(initial?.username ?? "");
  const [password, setPassword] = createSignal("");
  const [saved, setSaved] = createSignal<string | null>(null);
  const submission = createSubmission(["host", "port", "username", "password"]);
  const removal = createSubmission();
  const tlsId = createUniqueId();
  const verifyId = createUniqueId();
  const passwordSet = () => Boolean(own()?.passwordSet && username().trim() === own()?.username);
  return (
    <section class="panel" aria-labelledby="upstream-form-title">
      <h2 id="upstream-form-title" class="panel-title">
        {own() ? "Change the upstream" : "Set an upstream"}
      </h2>
      <Show when={!props.settings.canStorePasswords}>
        <p class="notice notice-warn" role="note">
          This server cannot store upstream passwords: its operator must set{" "}
          <span class="mono">RELAYPOST_SECRET_KEY</span>.
        </p>
      </Show>
      <form
        class="form form-narrow"
        onSubmit={(event) => {
          event.preventDefault();
          setSaved(null);
          void submission.run(async () => {
            await session.api().upstream.set.mutate({
              host: host().trim(),
              port: Number(port()),
              tls: tls(),
              tlsVerify: tlsVerify(),
              username: username().trim() === "" ? null : username().trim(),
              password: password() === "" ? undefined : password(),
            });
            setPassword("");
            setSaved("Saved. Mail delivered from now on goes to this upstream.");
            props.onChanged();
          });
        }}
      >
        <Field label="Host" autocomplete="off" value={host()} onInput={setHost} error={submission.fieldError("host")} />
        <Field
          label="Port"
          type="number"
          autocomplete="off"
          value={port()}
          onInput={setPort}
          error={submission.fieldError("port")}
        />
        <div class="field">
          <label for={tlsId}>TLS</label>
          <select id={tlsId} value={tls()} onChange={(e) => setTls(e.currentTarget.value as Tls)}>
            <option value="starttls">{TLS_LABELS.starttls}</option>
            <option value="implicit">{TLS_LABELS.implicit}</option>
            <option value="none">{TLS_LABELS.none}</option>
          </select>
        </div>
        <label for={verifyId} class="check">
          <input
            id={verifyId}
            type="checkbox"
            checked={tlsVerify()}
            onChange={(e) => setTlsVerify(e.currentTarget.checked)}
          />
          Verify the upstream's certificate
        </label>
        <Field
          label="Username"
          autocomplete="off"
          optional
          value={username()}
          onInput={setUsername}
          error={submission.fieldError("username")}
        />
        <Field
          label="Password"
          type="password"
          autocomplete="new-password"
          optional
          value={password()}
          onInput={setPassword}
          hint={passwordSet() ? "A password is set; leave empty to keep it." : "Never shown again once saved."}
          error={submission.fieldError("password")}
        />
        <FormError message={submission.error() ?? removal.error()} />
        <Show when={saved()}>
          <p role="status">{saved()}</p>
        </Show>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={submission.busy()}>
            Save
          </button>
          <Show when={own()}>
            <button
              type="button"
              class="button"
              disabled={removal.busy()}
              onClick={() =>
                void removal.run(async () => {
                  await session.api().upstream.clear.mutate();
                  props.onChanged();
                })
              }
            >
              {props.settings.serverDefault ? "Remove (use the server's default)" : "Remove"}
            </button>
          </Show>
        </div>
      </form>
    </section>
  );
}

function TestConnection() {
  const session = useSession();
  const [result, setResult] = createSignal<TestResult | null>(null);
  const submission = createSubmission();
  return (
    <section class="panel" aria-labelledby="upstream-test-title">
      <h2 id="upstream-test-title" class="panel-title">
        Test connection
      </h2>
      <p class="muted panel-lead">Connects as delivery would (TLS, then the login) and quits without sending mail.</p>
      <button
        type="button"
        class="button"
        disabled={submission.busy()}
        onClick={() =>
          void submission.run(async () => {
            setResult(null);
            setResult(await session.api().upstream.test.mutate());
          })
        }
      >
        {submission.busy() ? "Testing…" : "Test connection"}
      </button>
      <FormError message={submission.error()} />
      <Show when={result()}>
        {(r) => (
          <p role="status" data-testid="upstream-test-result">
            {describeResult(r())}
          </p>
        )}
      </Show>
    </section>
  );
}

function describeResult(result: TestResult): string {
  const which = { organization: "This organization's upstream", server: "The server's default upstream", none: "" };
  if (result.ok) return `${which[result.target]} accepts connections and the login.`;
  if (result.target === "none") return "No upstream is configured.";
  return `${which[result.target]} refused at ${result.stage}: ${result.reply}`;
}
