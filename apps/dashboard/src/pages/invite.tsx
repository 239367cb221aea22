import { useNavigate } from "@solidjs/router";
import { useQuery } from "@tanstack/solid-query";
import { Show } from "solid-js";
import { FormError } from "../components/form";
import { QueryView } from "../components/query-view";
import { RoleBadge } from "../components/ui";
import { HOME } from "../lib/next-path";
import { queryKeys } from "../lib/query";
import { useRegistration } from "../lib/registration";
import { useSession } from "../lib/session";
import { createSubmission } from "../lib/submission";

/** `/invite/<token>`: a signed-in user sees where the link leads and joins; others sign in first and come back. */
export function InvitePage(props: { token: string }) {
  const { baseApi, chooseOrganization, me, refreshMe } = useSession();
  const navigate = useNavigate();
  const here = () => `/invite/${encodeURIComponent(props.token)}`;
  const preview = useQuery(() => ({
    queryKey: queryKeys.invitationPreview(props.token),
    queryFn: () => baseApi.client.members.previewInvitation.query({ token: props.token }),
    enabled: Boolean(me()),
  }));
  const submission = createSubmission();
  const registration = useRegistration();
  // An invitation still admits an existing account where REGISTRATION creates none from it (closed).
  const newAccountRefused = () => registration.refusal(true);
  return (
    <main class="auth">
      <div class="auth-card">
        <div class="brand brand-large">
          <span class="brand-mark" aria-hidden="true" />
          RelayPost
        </div>
        <Show
          when={me()}
          fallback={
            <>
              <h1>You're invited</h1>
              <Show
                when={newAccountRefused()}
                fallback={<p class="muted">Sign in or create an account to join the organization that invited you.</p>}
              >
                {(message) => (
                  <p class="muted" data-testid="sign-up-refused">
                    {message()}. Sign in with an existing account to join the organization that invited you.
                  </p>
                )}
              </Show>
              <div class="stack">
                <a class="button button-primary button-block" href={`/signin?next=${encodeURIComponent(here())}`}>
                  Sign in to accept
                </a>
                <Show when={registration.known() && !newAccountRefused()}>
                  <a class="button button-block" href={`/signup?next=${encodeURIComponent(here())}`}>
                    Create an account
                  </a>
                </Show>
              </div>
            </>
          }
        >
          <QueryView query={preview} loadingLabel="Checking the invitation…" retry={false}>
            {(invitation) => (
              <>
                <h1>Join {invitation().organizationName}</h1>
                <p class="muted">
                  You'll join as <RoleBadge role={invitation().role} />, signed in as {me()?.user.email}.
                </p>
                <FormError message={submission.error()} />
                <button
                  type="button"
                  class="button button-primary button-block"
                  disabled={submission.busy()}
                  onClick={() =>
                    void submission.run(async () => {
                      const joined = await baseApi.client.members.acceptInvitation.mutate({ token: props.token });
                      chooseOrganization(joined.organizationId);
                      await refreshMe();
                      navigate(HOME, { replace: true });
                    })
                  }
                >
                  {submission.busy() ? "Joining…" : "Accept invitation"}
                </button>
              </>
            )}
          </QueryView>
        </Show>
      </div>
    </main>
  );
}
