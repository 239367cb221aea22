import { useNavigate } from "@solidjs/router";
import { Show } from "solid-js";
import { FormError } from "../components/form";
import { HOME } from "../lib/next-path";
import { useRegistration } from "../lib/registration";
import { useSession } from "../lib/session";
import { createSubmission } from "../lib/submission";

/** A signed-out visitor with a usable link: sign in, or create an account where REGISTRATION allows, then return. */
export function SignInFirst(props: { token: string }) {
  const registration = useRegistration();
  const here = () => `/invite/${encodeURIComponent(props.token)}`;
  // An invitation still admits an existing account where REGISTRATION creates none from it (closed).
  const newAccountRefused = () => registration.refusal(true);
  return (
    <>
      <Show
        when={newAccountRefused()}
        fallback={<p class="muted">Sign in or create an account to accept the invitation.</p>}
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
  );
}

/** A signed-in user with a usable link: join, and go to the organization joined. */
export function Accept(props: { token: string }) {
  const { baseApi, chooseOrganization, me, refreshMe } = useSession();
  const navigate = useNavigate();
  const submission = createSubmission();
  return (
    <>
      <p class="muted">Signed in as {me()?.user.email}.</p>
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
  );
}
