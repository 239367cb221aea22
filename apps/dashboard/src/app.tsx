import { Route, Router, type RouteSectionProps, useLocation, useNavigate, useParams } from "@solidjs/router";
import { useQueryClient } from "@tanstack/solid-query";
import { createEffect, type JSX, Match, Show, Switch } from "solid-js";
import { NoOrganization } from "./components/organization";
import { ACCOUNT, NAV, Shell } from "./components/shell";
import { HOME, MESSAGES, signInFor } from "./lib/next-path";
import { useSession } from "./lib/session";
import { AccountPage } from "./pages/account";
import { ApiKeysPage } from "./pages/api-keys";
import { AuditLogPage } from "./pages/audit-log/page";
import { SignInPage, SignUpPage } from "./pages/auth";
import { CredentialDetailPage } from "./pages/credentials/detail/page";
import { CredentialsPage } from "./pages/credentials/page";
import { InvitePage } from "./pages/invite";
import { MembersPage } from "./pages/members";
import { MessagesPage } from "./pages/messages/page";
import { UpstreamPage } from "./pages/upstream";
import { WebhooksPage } from "./pages/webhooks/page";

export function App() {
  return (
    <Router root={Root}>
      <Route path="/invite/:token" component={InviteRoute} />
      <Route path="/signin" component={() => <SignedOut page={<SignInPage />} />} />
      <Route path="/signup" component={() => <SignedOut page={<SignUpPage />} />} />
      <Route path="/" component={Dashboard}>
        <Route path="/" />
        <Route path={HOME} component={CredentialsPage} />
        <Route path={`${HOME}/:id`} component={CredentialDetailPage} />
        <Route path={MESSAGES} component={MessagesPage} />
        <Route path="/settings/api-keys" component={ApiKeysPage} />
        <Route path="/settings/members" component={MembersPage} />
        <Route path="/settings/upstream" component={UpstreamPage} />
        <Route path="/settings/webhooks" component={WebhooksPage} />
        <Route path="/settings/audit-log" component={AuditLogPage} />
        <Route path={ACCOUNT} component={AccountPage} />
        <Route path="*" component={NotFound} />
      </Route>
    </Router>
  );
}

/** While who is signed in is not known yet: the same brand and spinner as index.html's first paint. */
const Boot = () => (
  <div class="boot" aria-busy="true" data-testid="boot">
    <div class="brand brand-large">
      <span class="brand-mark" aria-hidden="true" />
      RelayPost
    </div>
    <span class="spinner" role="status" aria-label="Loading RelayPost" />
  </div>
);

/** Routing decisions wait for `auth.me`, so a signed-out visitor never glimpses the dashboard and vice versa. */
function Root(props: RouteSectionProps) {
  const session = useSession();
  const client = useQueryClient();
  const location = useLocation();
  const navigate = useNavigate();
  createEffect(() => {
    const user = session.me();
    const path = location.pathname;
    if (user === undefined || path.startsWith("/invite/")) return;
    const authPage = path === "/signin" || path === "/signup";
    if (user === null && !authPage) navigate(signInFor(path), { replace: true });
    else if (user && (authPage || path === "/")) navigate(HOME, { replace: true });
  });
  // Nothing one account loaded stays cached for whoever signs in next.
  createEffect(() => {
    if (session.me() === null) client.clear();
  });
  createEffect(() => {
    document.title = `${pageTitle(location.pathname)} · RelayPost`;
  });
  return <>{props.children}</>;
}

const TITLES: Record<string, string> = {
  "/signin": "Sign in",
  "/signup": "Create account",
  [ACCOUNT]: "Account",
  ...Object.fromEntries(NAV.map((item) => [item.href, item.label])),
};

/** Each page's own document title, so tabs, history and screen readers tell pages apart. */
function pageTitle(path: string): string {
  if (path.startsWith("/invite/")) return "Invitation";
  if (path.startsWith(`${HOME}/`)) return "SMTP credential";
  return TITLES[path] ?? (path === "/" ? "Loading" : "Page not found");
}

function SignedOut(props: { page: JSX.Element }) {
  const session = useSession();
  return (
    <Show when={session.me() === null} fallback={<Boot />}>
      {props.page}
    </Show>
  );
}

function InviteRoute() {
  const params = useParams<{ token: string }>();
  return <InvitePage token={decodeURIComponent(params.token)} />;
}

function Dashboard(props: RouteSectionProps) {
  const session = useSession();
  return (
    <Switch fallback={<Boot />}>
      <Match when={session.me() && !session.organization()}>
        <NoOrganization />
      </Match>
      <Match when={session.me() && session.organization()}>
        <Shell>{props.children}</Shell>
      </Match>
    </Switch>
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
