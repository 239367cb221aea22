import { UNUSABLE_INVITATION_MESSAGES, type UnusableInvitationReason } from "@relaypost/contract";
import { createResource, Match, Show, Switch } from "solid-js";
import { QueryView } from "../components/query-view";
import { RoleBadge } from "../components/ui";
import { type Api, isApiError, type Outputs } from "../lib/api";
import { HOME } from "../lib/next-path";
import { useSession } from "../lib/session";
import { formatDateTime } from "../lib/time";
import { Accept, SignInFirst } from "./invite-actions";

type Preview = Outputs["members"]["previewInvitation"];
/** Where the link leads, or why it cannot be used: both are answers to show, not failures. */
type Invitation = { open: Preview } | { unusable: UnusableInvitationReason };

const openOf = (invitation: Invitation) => ("open" in invitation ? invitation.open : undefined);
const reasonOf = (invitation: Invitation) => ("unusable" in invitation ? invitation.unusable : undefined);

async function lookUp(baseApi: Api, token: string): Promise<Invitation> {
  try {
    return { open: await baseApi.client.members.previewInvitation.query({ token }) };
  } catch (error) {
    const reason = isApiError(error) ? error.data?.invitationUnusable : undefined;
    if (reason) return { unusable: reason };
    throw error;
  }
}

/**
 * `/invite/<token>`: where the link leads (organization, role, inviter) for anyone holding it, then joining when signed
 * in, or signing in or up first. A resource, not a cached query: the query cache is cleared while nobody is signed in.
 */
export function InvitePage(props: { token: string }) {
  const { baseApi, me } = useSession();
  const [invitation, { refetch }] = createResource(
    () => props.token,
    (token) => lookUp(baseApi, token),
  );
  const state = {
    get data() {
      return invitation.state === "ready" ? invitation() : undefined;
    },
    get isLoadingError() {
      return invitation.state === "errored";
    },
    get error(): unknown {
      return invitation.error;
    },
    refetch,
  };
  return (
    <main class="auth">
      <div class="auth-card">
        <div class="brand brand-large">
          <span class="brand-mark" aria-hidden="true" />
          RelayPost
        </div>
        <QueryView query={state} loadingLabel="Checking the invitation…">
          {(answer) => (
            <Switch>
              <Match when={reasonOf(answer())}>{(reason) => <Unusable reason={reason()} />}</Match>
              <Match when={openOf(answer())}>
                {(open) => (
                  <>
                    <Where invitation={open()} />
                    <Show when={me() !== undefined}>
                      <Show when={me()} fallback={<SignInFirst token={props.token} />}>
                        <Accept token={props.token} />
                      </Show>
                    </Show>
                  </>
                )}
              </Match>
            </Switch>
          )}
        </QueryView>
      </div>
    </main>
  );
}

function Unusable(props: { reason: UnusableInvitationReason }) {
  const { me } = useSession();
  return (
    <div class="invite-unusable" data-testid="invitation-unusable" data-reason={props.reason}>
      <h1>{UNUSABLE_INVITATION_MESSAGES[props.reason]}</h1>
      <p class="muted">Ask whoever invited you for a new link.</p>
      <a class="button button-block" href={me() ? HOME : "/signin"}>
        {me() ? "Go to SMTP Credentials" : "Sign in"}
      </a>
    </div>
  );
}

function Where(props: { invitation: Preview }) {
  return (
    <>
      <h1>Join {props.invitation.organizationName}</h1>
      <dl class="invite-details" data-testid="invitation-preview">
        <dt>Organization</dt>
        <dd>
          {props.invitation.organizationName} <code class="org-slug">{props.invitation.organizationSlug}</code>
        </dd>
        <dt>Role</dt>
        <dd>
          <RoleBadge role={props.invitation.role} />
        </dd>
        <Show when={props.invitation.inviterName}>
          <dt>Invited by</dt>
          <dd>{props.invitation.inviterName}</dd>
        </Show>
        <dt>Link valid until</dt>
        <dd>{formatDateTime(props.invitation.expiresAt)}</dd>
      </dl>
    </>
  );
}
