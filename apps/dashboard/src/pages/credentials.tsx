import {
  createEffect,
  createMemo,
  createResource,
  createSignal,
  createUniqueId,
  For,
  on,
  onCleanup,
  Show,
} from "solid-js";
import { createStore, produce } from "solid-js/store";
import { ActivityFeed, LoginChart } from "../components/activity";
import {
  ConfirmDialog,
  CopyField,
  Dialog,
  DialogActions,
  EmptyState,
  ErrorState,
  FormError,
  Icon,
  PageHeader,
  RelativeTime,
  Spinner,
  Switch,
} from "../components/ui";
import { type Credential, errorMessage } from "../lib/api";
import { api, canWrite, live, organization } from "../lib/session";
import { smtpSettings, usernameProblem } from "../lib/smtp";
import { createSubmission } from "../lib/submission";
import { DAY_MS, formatDate, now } from "../lib/time";

const PAGE_SIZE = 50;
export const UNUSED_DAYS = 30;
export const PASSWORD_MAX_AGE_DAYS = 90;

type Reveal = { credential: Credential; password: string; regenerated: boolean };
type Pending = { kind: "regenerate" | "delete"; credential: Credential };

const matchesSearch = (c: Credential, term: string) => {
  const t = term.trim().toLowerCase();
  return t === "" || c.username.toLowerCase().includes(t) || c.description.toLowerCase().includes(t);
};

export function isUnused(c: Credential, at: number) {
  return c.active && (c.lastUsedAt ?? c.createdAt).getTime() < at - UNUSED_DAYS * DAY_MS;
}
export function isPasswordOld(c: Credential, at: number) {
  return c.passwordChangedAt.getTime() < at - PASSWORD_MAX_AGE_DAYS * DAY_MS;
}

export function CredentialsPage() {
  const [items, setItems] = createStore<Credential[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(true);
  const [loadingMore, setLoadingMore] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [search, setSearch] = createSignal("");
  const [creating, setCreating] = createSignal(false);
  const [reveal, setReveal] = createSignal<Reveal | null>(null);
  const [pending, setPending] = createSignal<Pending | null>(null);
  const [busyIds, setBusyIds] = createSignal<ReadonlySet<string>>(new Set());
  const [rowError, setRowError] = createSignal<string | null>(null);
  const [filter, setFilter] = createSignal<string>("");
  let generation = 0;

  async function load(term: string) {
    const mine = ++generation;
    setLoading(true);
    setError(null);
    try {
      const page = await api().smtpCredentials.list.query({ search: term.trim() || undefined, limit: PAGE_SIZE });
      if (mine !== generation) return;
      setItems(page.items);
      setCursor(page.nextCursor);
    } catch (e) {
      if (mine === generation) setError(e);
    } finally {
      if (mine === generation) setLoading(false);
    }
  }

  async function loadMore() {
    const next = cursor();
    if (!next) return;
    const mine = generation;
    setLoadingMore(true);
    try {
      const page = await api().smtpCredentials.list.query({
        search: search().trim() || undefined,
        cursor: next,
        limit: PAGE_SIZE,
      });
      if (mine !== generation) return;
      const known = new Set(items.map((c) => c.id));
      setItems((current) => [...current, ...page.items.filter((c) => !known.has(c.id))]);
      setCursor(page.nextCursor);
    } catch (e) {
      setRowError(errorMessage(e));
    } finally {
      setLoadingMore(false);
    }
  }

  // A new organization starts from an empty list, never the previous organization's rows.
  createEffect(
    on(
      () => organization()?.id,
      () => {
        setItems([]);
        setFilter("");
        void load(search());
      },
    ),
  );

  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(searchTimer));
  const onSearch = (value: string) => {
    setSearch(value);
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void load(value), 250);
  };

  const upsert = (credential: Credential, prepend: boolean) =>
    setItems(
      produce((list) => {
        const index = list.findIndex((c) => c.id === credential.id);
        if (index >= 0) list[index] = credential;
        else if (prepend && matchesSearch(credential, search())) list.unshift(credential);
      }),
    );
  const remove = (id: string) => setItems((list) => list.filter((c) => c.id !== id));

  async function refresh(id: string, prepend: boolean) {
    try {
      upsert(await api().smtpCredentials.get.query({ id }), prepend);
    } catch {
      // Deleted before we could read it: its own deletion event removes it.
    }
  }

  // Live: every change, whoever made it, lands in the list without a reload.
  createEffect(() => {
    const stop = live().listen((event) => {
      const id = event.credentialId;
      if (!id) return;
      switch (event.type) {
        case "auth.succeeded":
          setItems((c) => c.id === id, "lastUsedAt", event.createdAt);
          break;
        case "credential.activated":
        case "credential.deactivated":
          setItems((c) => c.id === id, "active", event.type === "credential.activated");
          break;
        case "credential.deleted":
          remove(id);
          if (filter() === id) setFilter("");
          break;
        case "credential.created":
          if (!items.some((c) => c.id === id)) void refresh(id, true);
          break;
        case "credential.updated":
        case "credential.password_regenerated":
          if (items.some((c) => c.id === id)) void refresh(id, false);
          break;
      }
    });
    onCleanup(stop);
  });

  async function withBusy(id: string, action: () => Promise<void>) {
    setBusyIds((s) => new Set([...s, id]));
    setRowError(null);
    try {
      await action();
    } catch (e) {
      setRowError(errorMessage(e));
    } finally {
      setBusyIds((s) => new Set([...s].filter((x) => x !== id)));
    }
  }

  const setActive = (credential: Credential, active: boolean) =>
    withBusy(credential.id, async () => {
      upsert(await api().smtpCredentials.setActive.mutate({ id: credential.id, active }), false);
    });

  const flags = createMemo(() => {
    const at = now();
    return items.filter((c) => isUnused(c, at) || isPasswordOld(c, at));
  });
  const filterOptions = createMemo(() => items.map((c) => ({ id: c.id, username: c.username })));
  const filterName = () => items.find((c) => c.id === filter())?.username;

  return (
    <div class="page">
      <PageHeader
        title="SMTP Credentials"
        lead="Username and password pairs your applications use to send email over SMTP. Use API keys for the API."
        action={{ icon: "plus", label: "Create credential", onClick: () => setCreating(true) }}
      />

      <Show when={flags().length > 0}>
        <section class="panel panel-warning" aria-labelledby="flags-title">
          <h2 id="flags-title" class="panel-title">
            <Icon name="shield" /> Security recommendations
          </h2>
          <ul class="flags" data-testid="security-flags">
            <For each={flags()}>
              {(c) => (
                <li class="flag">
                  <span class="mono">{c.username}</span>
                  <Show when={isUnused(c, now())}>
                    <span class="flag-text">
                      Not used for {UNUSED_DAYS}+ days (last used <RelativeTime date={c.lastUsedAt} never="never" />)
                    </span>
                    <Show when={canWrite()}>
                      <button
                        type="button"
                        class="button button-small"
                        disabled={busyIds().has(c.id)}
                        onClick={() => setActive(c, false)}
                      >
                        Deactivate
                      </button>
                    </Show>
                  </Show>
                  <Show when={isPasswordOld(c, now())}>
                    <span class="flag-text">
                      Password is older than {PASSWORD_MAX_AGE_DAYS} days (set {formatDate(c.passwordChangedAt)})
                    </span>
                    <Show when={canWrite()}>
                      <button
                        type="button"
                        class="button button-small"
                        onClick={() => setPending({ kind: "regenerate", credential: c })}
                      >
                        Regenerate
                      </button>
                    </Show>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </section>
      </Show>

      <div class="layout-split">
        <section class="panel panel-flush" aria-label="Credentials">
          <div class="toolbar">
            <label class="search">
              <Icon name="search" />
              <span class="visually-hidden">Search credentials</span>
              <input
                type="search"
                placeholder="Search by username or description"
                value={search()}
                onInput={(e) => onSearch(e.currentTarget.value)}
              />
            </label>
          </div>
          <FormError message={rowError()} />
          <Show when={!loading() || items.length > 0} fallback={<Spinner label="Loading credentials…" />}>
            <Show when={!error()} fallback={<ErrorState error={error()} retry={() => void load(search())} />}>
              <Show
                when={items.length > 0}
                fallback={
                  <Show
                    when={search().trim() === ""}
                    fallback={
                      <EmptyState icon="search" title="No matching credentials">
                        <p class="muted">Nothing matches “{search()}”. Try part of a username or description.</p>
                      </EmptyState>
                    }
                  >
                    <EmptyState icon="key" title="No SMTP credentials yet">
                      <p class="muted">Create one credential per application so each can be rotated on its own.</p>
                      <Show when={canWrite()}>
                        <button type="button" class="button button-primary" onClick={() => setCreating(true)}>
                          <Icon name="plus" /> Create credential
                        </button>
                      </Show>
                    </EmptyState>
                  </Show>
                }
              >
                <div class="table-wrap">
                  <table class="credentials" data-testid="credentials-table">
                    <caption class="visually-hidden">SMTP credentials</caption>
                    <thead>
                      <tr>
                        <th scope="col">Username</th>
                        <th scope="col">Status</th>
                        <th scope="col">Last used</th>
                        <th scope="col">Created</th>
                        <th scope="col">
                          <span class="visually-hidden">Actions</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={items}>
                        {(c) => (
                          <tr data-testid="credential-row" data-username={c.username}>
                            <td class="cell-main">
                              <span class="mono username">{c.username}</span>
                              <Show when={c.description}>
                                <span class="description">{c.description}</span>
                              </Show>
                            </td>
                            <td class="cell-status">
                              <span class="status">
                                <Switch
                                  checked={c.active}
                                  label={`${c.username} active`}
                                  disabled={!canWrite()}
                                  busy={busyIds().has(c.id)}
                                  onChange={(active) => setActive(c, active)}
                                />
                                <span
                                  class="badge"
                                  classList={{ "badge-ok": c.active, "badge-off": !c.active }}
                                  data-testid="status"
                                >
                                  {c.active ? "Active" : "Inactive"}
                                </span>
                              </span>
                            </td>
                            <td class="cell-used" data-label="Last used" data-testid="last-used">
                              <RelativeTime date={c.lastUsedAt} />
                            </td>
                            <td class="cell-created nowrap" data-label="Created">
                              <time datetime={c.createdAt.toISOString()}>{formatDate(c.createdAt)}</time>
                            </td>
                            <td class="cell-actions">
                              <div class="row-actions">
                                <button
                                  type="button"
                                  class="icon-button"
                                  aria-pressed={filter() === c.id}
                                  onClick={() => setFilter(filter() === c.id ? "" : c.id)}
                                  aria-label={`Show activity of ${c.username}`}
                                  title="Show its activity"
                                >
                                  <Icon name="activity" />
                                </button>
                                <Show when={canWrite()}>
                                  <button
                                    type="button"
                                    class="button button-small"
                                    onClick={() => setPending({ kind: "regenerate", credential: c })}
                                    aria-label="Regenerate password"
                                    title="Regenerate password"
                                  >
                                    <Icon name="refresh" /> Regenerate
                                  </button>
                                  <button
                                    type="button"
                                    class="icon-button icon-button-danger"
                                    onClick={() => setPending({ kind: "delete", credential: c })}
                                    aria-label={`Delete ${c.username}`}
                                    title="Delete"
                                  >
                                    <Icon name="trash" />
                                  </button>
                                </Show>
                              </div>
                            </td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
                <footer class="list-footer">
                  <span class="muted">
                    Showing {items.length} credential{items.length === 1 ? "" : "s"}
                    {cursor() ? "" : search() ? " matching" : ""}
                  </span>
                  <Show when={cursor()}>
                    <button type="button" class="button" disabled={loadingMore()} onClick={() => void loadMore()}>
                      {loadingMore() ? "Loading…" : `Load ${PAGE_SIZE} more`}
                    </button>
                  </Show>
                </footer>
              </Show>
            </Show>
          </Show>
        </section>

        <aside class="panel live-panel" aria-label="Live activity">
          <div class="live-panel-head">
            <h2 class="panel-title">
              <Icon name="activity" /> Live activity
            </h2>
            <label class="compact-field">
              <span class="visually-hidden">Filter by credential</span>
              <select value={filter()} onChange={(e) => setFilter(e.currentTarget.value)} data-testid="feed-filter">
                <option value="">All credentials</option>
                <For each={filterOptions()}>{(o) => <option value={o.id}>{o.username}</option>}</For>
              </select>
            </label>
          </div>
          <LoginChart
            credentialId={filter() || undefined}
            title={filter() ? `Logins per minute · ${filterName() ?? ""}` : "Logins per minute · organization"}
          />
          <ActivityFeed credentialId={filter() || undefined} />
        </aside>
      </div>

      <Show when={creating()}>
        <CreateCredentialDialog
          onClose={() => setCreating(false)}
          onCreated={(result) => {
            setCreating(false);
            upsert(result.credential, true);
            setReveal({ ...result, regenerated: false });
          }}
        />
      </Show>

      <Show when={reveal()}>{(r) => <PasswordReveal reveal={r()} onClose={() => setReveal(null)} />}</Show>

      <Show when={pending()?.kind === "regenerate" ? pending()?.credential : undefined}>
        {(c) => (
          <ConfirmDialog
            title={`Regenerate the password of ${c().username}?`}
            confirmLabel="Regenerate password"
            onClose={() => setPending(null)}
            onConfirm={async () => {
              const result = await api().smtpCredentials.regeneratePassword.mutate({ id: c().id });
              setPending(null);
              upsert(result.credential, false);
              setReveal({ ...result, regenerated: true });
            }}
          >
            <p>
              <strong>The current password stops working immediately.</strong> Every application using it fails to log
              in until you give it the new password, which is shown once.
            </p>
          </ConfirmDialog>
        )}
      </Show>

      <Show when={pending()?.kind === "delete" ? pending()?.credential : undefined}>
        {(c) => (
          <ConfirmDialog
            title={`Delete ${c().username}?`}
            confirmLabel="Delete credential"
            onClose={() => setPending(null)}
            onConfirm={async () => {
              await api().smtpCredentials.delete.mutate({ id: c().id });
              setPending(null);
              remove(c().id);
            }}
          >
            <p>
              This is permanent. Applications using <span class="mono">{c().username}</span> can no longer log in. Its
              history stays in the audit log. To pause it instead, deactivate it.
            </p>
          </ConfirmDialog>
        )}
      </Show>
    </div>
  );
}

function CreateCredentialDialog(props: {
  onClose: () => void;
  onCreated: (result: { credential: Credential; password: string }) => void;
}) {
  const [username, setUsername] = createSignal("");
  const [description, setDescription] = createSignal("");
  const submission = createSubmission(["username", "description"]);
  const usernameId = createUniqueId();
  const descriptionId = createUniqueId();
  const problem = createMemo(() => usernameProblem(username()));
  const usernameError = () => problem() ?? submission.fieldError("username");

  function submit(event: SubmitEvent) {
    event.preventDefault();
    if (problem()) return;
    void submission.run(async () => {
      props.onCreated(
        await api().smtpCredentials.create.mutate({
          username: username().trim() || undefined,
          description: description().trim() || undefined,
        }),
      );
    });
  }

  return (
    <Dialog title="Create SMTP credential" onClose={props.onClose}>
      <form class="dialog-body form" onSubmit={submit} novalidate>
        <p class="muted">
          Create one credential per application or environment, so you can rotate or revoke each one without touching
          the others.
        </p>
        <div class="field">
          <label for={usernameId}>
            Username <span class="optional">optional</span>
          </label>
          <input
            id={usernameId}
            class="mono"
            value={username()}
            onInput={(e) => {
              setUsername(e.currentTarget.value);
              submission.clearFieldError("username");
            }}
            placeholder="e.g. rails_production"
            autocomplete="off"
            spellcheck={false}
            maxLength={64}
            aria-invalid={Boolean(usernameError())}
            aria-describedby={`${usernameId}-hint`}
          />
          <span id={`${usernameId}-hint`} class="hint" classList={{ "hint-error": Boolean(usernameError()) }}>
            {usernameError() ??
              (username().trim() === ""
                ? "Leave blank to generate one like smtp_a1b2c3d4. 4–50 letters, numbers and underscores; unique in your organization."
                : "Looks good.")}
          </span>
        </div>
        <div class="field">
          <label for={descriptionId}>
            Description <span class="optional">optional</span>
          </label>
          <input
            id={descriptionId}
            value={description()}
            onInput={(e) => setDescription(e.currentTarget.value)}
            placeholder="e.g. Production Rails app"
            maxLength={500}
            aria-invalid={Boolean(submission.fieldError("description"))}
            aria-describedby={`${descriptionId}-hint`}
          />
          <span
            id={`${descriptionId}-hint`}
            class="hint"
            classList={{ "hint-error": Boolean(submission.fieldError("description")) }}
          >
            {submission.fieldError("description") ?? `${description().length}/500 characters`}
          </span>
        </div>
        <FormError message={submission.error()} />
        <DialogActions
          onCancel={props.onClose}
          label="Create"
          busyLabel="Creating…"
          busy={submission.busy()}
          disabled={Boolean(problem())}
        />
      </form>
    </Dialog>
  );
}

/** The one moment a password is visible. It lives only in this dialog's props and is gone once it closes. */
function PasswordReveal(props: { reveal: Reveal; onClose: () => void }) {
  const [endpoint] = createResource(() => api().smtpCredentials.connectionSettings.query());
  const settings = () => smtpSettings(endpoint());
  return (
    <Dialog
      title={props.reveal.regenerated ? "New password generated" : "Credential created"}
      onClose={props.onClose}
      dismissible={false}
      wide
    >
      <div class="dialog-body">
        <div class="callout callout-warning" role="note">
          <Icon name="alert" />
          <p>
            <strong>Copy this password now. You will not see it again.</strong>{" "}
            {props.reveal.regenerated
              ? "The previous password has stopped working."
              : "RelayPost keeps only a hash of it."}
          </p>
        </div>
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
          <dd>{settings().tls}</dd>
          <dt>Username</dt>
          <dd class="mono" data-testid="revealed-username">
            {props.reveal.credential.username}
          </dd>
          <dt>Authentication</dt>
          <dd>PLAIN or LOGIN</dd>
        </dl>
      </div>
      <footer class="dialog-footer">
        <button type="button" class="button button-primary" onClick={() => props.onClose()}>
          I've saved the password
        </button>
      </footer>
    </Dialog>
  );
}
