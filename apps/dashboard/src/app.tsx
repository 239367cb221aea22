import { createEffect, createSignal, createUniqueId, For, type JSX, Match, onCleanup, Show, Switch } from "solid-js";
import { Dynamic } from "solid-js/web";
import { Dialog, DialogActions, FormError, Icon, type IconName, RoleBadge } from "./components/ui";
import { navigate, path } from "./lib/router";
import {
  baseApi,
  canWrite,
  chooseOrganization,
  live,
  me,
  organization,
  refreshMe,
  role,
  signedOut,
} from "./lib/session";
import { createSubmission } from "./lib/submission";
import { AccountPage } from "./pages/account";
import { ApiKeysPage } from "./pages/api-keys";
import { AuditLogPage } from "./pages/audit-log";
import { SignInPage, SignUpPage } from "./pages/auth";
import { CredentialsPage } from "./pages/credentials";
import { InvitePage } from "./pages/invite";
import { MembersPage } from "./pages/members";

const HOME = "/settings/smtp-credentials";
const ACCOUNT = "/account";
const NAV: { href: string; label: string; icon: IconName }[] = [
  { href: HOME, label: "SMTP Credentials", icon: "mail" },
  { href: "/settings/api-keys", label: "API keys", icon: "key" },
  { href: "/settings/members", label: "Members", icon: "users" },
  { href: "/settings/audit-log", label: "Audit log", icon: "list" },
];
const PAGES: Record<string, () => JSX.Element> = {
  [HOME]: CredentialsPage,
  "/settings/api-keys": ApiKeysPage,
  "/settings/members": MembersPage,
  "/settings/audit-log": AuditLogPage,
  [ACCOUNT]: AccountPage,
};

const inviteToken = () => /^\/invite\/([^/]+)$/.exec(path())?.[1];

export function App() {
  // Routing decisions wait for `auth.me`, so a signed-out visitor never glimpses the dashboard and vice versa.
  createEffect(() => {
    const user = me();
    if (user === undefined || inviteToken()) return;
    const authPage = path() === "/signin" || path() === "/signup";
    if (user === null && !authPage) {
      const next = path() === "/" ? "" : `?next=${encodeURIComponent(path())}`;
      navigate(`/signin${next}`, { replace: true });
    } else if (user && (authPage || path() === "/")) {
      navigate(HOME, { replace: true });
    }
  });

  return (
    <Switch fallback={<div class="boot" aria-busy="true" />}>
      <Match when={inviteToken()}>{(token) => <InvitePage token={decodeURIComponent(token())} />}</Match>
      <Match when={me() === null && path() === "/signup"}>
        <SignUpPage />
      </Match>
      <Match when={me() === null && path() === "/signin"}>
        <SignInPage />
      </Match>
      <Match when={me() && !organization()}>
        <NoOrganization />
      </Match>
      <Match when={me() && organization()}>
        <Shell>
          <Dynamic component={PAGES[path()] ?? NotFound} />
        </Shell>
      </Match>
    </Switch>
  );
}

/** A user removed from every organization they belonged to can start a new one. */
function NoOrganization() {
  const [creating, setCreating] = createSignal(false);
  return (
    <main class="auth">
      <div class="auth-card">
        <h1>No organization</h1>
        <p class="muted">You are not a member of any organization. Ask for an invitation link, or start your own.</p>
        <button type="button" class="button button-primary button-block" onClick={() => setCreating(true)}>
          Create an organization
        </button>
        <Show when={creating()}>
          <CreateOrganizationDialog onClose={() => setCreating(false)} />
        </Show>
      </div>
    </main>
  );
}

function NotFound() {
  return (
    <div class="page">
      <div class="state">
        <h1>Page not found</h1>
        <p class="muted">There is nothing at this address.</p>
        <a class="button" href={HOME}>
          Go to SMTP Credentials
        </a>
      </div>
    </div>
  );
}

function ConnectionIndicator() {
  const status = () => live().status();
  const label = () =>
    ({ live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…", offline: "Offline" })[status()];
  return (
    <div class="connection" data-state={status()} data-testid="connection">
      <span class="connection-dot" aria-hidden="true" />
      <span role="status" aria-live="polite">
        {label()}
      </span>
      <Show when={status() === "reconnecting" || status() === "offline"}>
        <button type="button" class="link-button" onClick={() => live().reconnect()}>
          Retry now
        </button>
      </Show>
    </div>
  );
}

function OrganizationSwitcher() {
  const id = createUniqueId();
  const [creating, setCreating] = createSignal(false);
  return (
    <div class="org-switcher">
      <label for={id} class="visually-hidden">
        Organization
      </label>
      <select
        id={id}
        value={organization()?.id}
        data-testid="organization-switcher"
        onChange={(e) => {
          if (e.currentTarget.value === "__new") {
            e.currentTarget.value = organization()?.id ?? "";
            setCreating(true);
          } else chooseOrganization(e.currentTarget.value);
        }}
      >
        <For each={me()?.organizations}>{(o) => <option value={o.id}>{o.name}</option>}</For>
        <option value="__new">+ New organization…</option>
      </select>
      <Show when={creating()}>
        <CreateOrganizationDialog onClose={() => setCreating(false)} />
      </Show>
    </div>
  );
}

function CreateOrganizationDialog(props: { onClose: () => void }) {
  const [name, setName] = createSignal("");
  const submission = createSubmission();
  const id = createUniqueId();
  return (
    <Dialog title="New organization" onClose={props.onClose}>
      <form
        class="dialog-body form"
        onSubmit={(event) => {
          event.preventDefault();
          void submission.run(async () => {
            const created = await baseApi.client.organizations.create.mutate({ name: name() });
            await refreshMe();
            chooseOrganization(created.id);
            props.onClose();
          });
        }}
      >
        <div class="field">
          <label for={id}>Organization name</label>
          <input id={id} value={name()} onInput={(e) => setName(e.currentTarget.value)} maxLength={100} required />
        </div>
        <FormError message={submission.error()} />
        <DialogActions
          onCancel={props.onClose}
          label="Create organization"
          busyLabel="Creating…"
          busy={submission.busy()}
          disabled={!name().trim()}
        />
      </form>
    </Dialog>
  );
}

function Shell(props: { children: JSX.Element }) {
  // A subscription refused for lack of access means the session or membership ended elsewhere: re-read who we are.
  createEffect(() => {
    const stop = live().onAccessLost(() => void refreshMe());
    onCleanup(stop);
  });
  return (
    <div class="shell">
      <aside class="sidebar">
        <a class="brand" href={HOME}>
          <span class="brand-mark" aria-hidden="true" />
          RelayPost
        </a>
        <OrganizationSwitcher />
        <nav aria-label="Settings">
          <p class="nav-heading">Settings</p>
          <ul>
            <For each={NAV}>
              {(item) => (
                <li>
                  <a href={item.href} class="nav-link" aria-current={path() === item.href ? "page" : undefined}>
                    <Icon name={item.icon} /> {item.label}
                  </a>
                </li>
              )}
            </For>
          </ul>
        </nav>
      </aside>
      <div class="main">
        <header class="topbar">
          <ConnectionIndicator />
          <div class="account">
            <RoleBadge role={role()} />
            <span class="account-email" data-testid="account-email">
              {me()?.user.email}
            </span>
            <a
              href={ACCOUNT}
              class="button button-small button-ghost"
              aria-current={path() === ACCOUNT ? "page" : undefined}
            >
              <Icon name="shield" /> Account
            </a>
            <button
              type="button"
              class="button button-small button-ghost"
              onClick={async () => {
                await baseApi.client.auth.signOut.mutate().catch(() => undefined);
                signedOut();
                navigate("/signin", { replace: true });
              }}
            >
              <Icon name="out" /> Sign out
            </button>
          </div>
        </header>
        <Show when={!canWrite()}>
          <p class="readonly-banner" role="note">
            You have read-only access to this organization. Ask an owner or admin to make changes.
          </p>
        </Show>
        <main class="content">{props.children}</main>
      </div>
    </div>
  );
}
