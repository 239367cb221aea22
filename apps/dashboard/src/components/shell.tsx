import { useLocation, useNavigate } from "@solidjs/router";
import { createEffect, For, type JSX, onCleanup, Show } from "solid-js";
import { HOME, MESSAGES } from "../lib/next-path";
import { useSession } from "../lib/session";
import { Icon, type IconName } from "./icon";
import { OrganizationSwitcher } from "./organization";
import { ThemeSelect } from "./theme-select";
import { RoleBadge } from "./ui";

export const ACCOUNT = "/account";
export const NAV: { href: string; label: string; icon: IconName }[] = [
  { href: HOME, label: "SMTP Credentials", icon: "mail" },
  { href: MESSAGES, label: "Messages", icon: "send" },
  { href: "/settings/api-keys", label: "API keys", icon: "key" },
  { href: "/settings/members", label: "Members", icon: "users" },
  { href: "/settings/upstream", label: "Upstream", icon: "link" },
  { href: "/settings/webhooks", label: "Webhooks", icon: "activity" },
  { href: "/settings/audit-log", label: "Audit log", icon: "list" },
];

/** The signed-in frame around every settings page: navigation, organization, connection and account. */
export function Shell(props: { children: JSX.Element }) {
  const session = useSession();
  const location = useLocation();
  // A credential's own page sits under the credentials entry.
  const current = (href: string) =>
    location.pathname === href ? "page" : location.pathname.startsWith(`${href}/`) ? "location" : undefined;
  // A subscription refused for lack of access means the session or membership ended elsewhere: re-read who we are.
  createEffect(() => {
    const stop = session.live().onAccessLost(() => void session.refreshMe());
    onCleanup(stop);
  });
  let main: HTMLElement | undefined;
  return (
    <div class="shell">
      {/* A button, not a "#main" link: the router would take the link for a navigation and leave the focus behind. */}
      <button type="button" class="skip-link" onClick={() => main?.focus()}>
        Skip to main content
      </button>
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
                  <a href={item.href} class="nav-link" aria-current={current(item.href)}>
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
          <div class="topbar-end">
            <ThemeSelect />
            <AccountMenu current={current(ACCOUNT)} />
          </div>
        </header>
        <Show when={!session.canWrite()}>
          <p class="readonly-banner" role="note">
            You have read-only access to this organization. Ask an owner or admin to make changes.
          </p>
        </Show>
        <main class="content" id="main" tabindex="-1" ref={main}>
          {props.children}
        </main>
      </div>
    </div>
  );
}

function AccountMenu(props: { current: "page" | "location" | undefined }) {
  const session = useSession();
  const navigate = useNavigate();
  return (
    <div class="account">
      <RoleBadge role={session.role()} />
      <span class="account-email" data-testid="account-email">
        {session.me()?.user.email}
      </span>
      <a href={ACCOUNT} class="button button-small button-ghost" aria-current={props.current}>
        <Icon name="shield" /> Account
      </a>
      <button
        type="button"
        class="button button-small button-ghost"
        onClick={async () => {
          await session.baseApi.client.auth.signOut.mutate().catch(() => undefined);
          session.signedOut();
          navigate("/signin", { replace: true });
        }}
      >
        <Icon name="out" /> Sign out
      </button>
    </div>
  );
}

const LABELS = { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…", offline: "Offline" };

function ConnectionIndicator() {
  const session = useSession();
  const status = () => session.live().status();
  return (
    <div class="connection" data-state={status()} data-testid="connection">
      <span class="connection-dot" aria-hidden="true" />
      <span role="status" aria-live="polite">
        {LABELS[status()]}
      </span>
      <Show when={status() === "reconnecting" || status() === "offline"}>
        <button type="button" class="link-button" onClick={() => session.live().reconnect()}>
          Retry now
        </button>
      </Show>
    </div>
  );
}
