import { useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, type JSX, Show } from "solid-js";
import { Field, FormError } from "../components/form";
import type { Api } from "../lib/api";
import { HOME, invitationToken, nextPath, withNext } from "../lib/next-path";
import { useRegistration } from "../lib/registration";
import { useSession } from "../lib/session";
import { createSubmission } from "../lib/submission";

/** The `?next=` an auth page carries, and what signing in needs. */
function useAuthPage() {
  const [params] = useSearchParams<{ next?: string }>();
  return { next: () => params.next, session: useSession(), navigate: useNavigate() };
}

function AuthLayout(props: { title: string; subtitle: string; children: JSX.Element; footer: JSX.Element }) {
  return (
    <main class="auth">
      <div class="auth-card">
        <div class="brand brand-large">
          <span class="brand-mark" aria-hidden="true" />
          RelayPost
        </div>
        <h1>{props.title}</h1>
        <p class="muted">{props.subtitle}</p>
        {props.children}
        <p class="auth-footer">{props.footer}</p>
      </div>
    </main>
  );
}

export function SignInPage() {
  const { next, session, navigate } = useAuthPage();
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const submission = createSubmission();
  const registration = useRegistration();
  // Offered only where REGISTRATION lets this visitor sign up (docs/security.md, Registration).
  const signUpOffered = () => registration.known() && !registration.refusal(invitationToken(next()) !== undefined);
  return (
    <AuthLayout
      title="Sign in"
      subtitle="Manage your SMTP credentials and watch them work."
      footer={
        <Show when={signUpOffered()}>
          New to RelayPost? <a href={withNext("/signup", next())}>Create an account</a>
        </Show>
      }
    >
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          void submission.run(async () => {
            await session.baseApi.client.auth.signIn.mutate({ email: email(), password: password() });
            // Read before `me` changes: the signed-in app leaves this page, and its `next`, at once.
            const destination = nextPath(next());
            await session.refreshMe();
            navigate(destination, { replace: true });
          });
        }}
      >
        <Field label="Email" type="email" autocomplete="email" value={email()} onInput={setEmail} />
        <Field
          label="Password"
          type="password"
          autocomplete="current-password"
          value={password()}
          onInput={setPassword}
        />
        <FormError message={submission.error()} />
        <button type="submit" class="button button-primary button-block" disabled={submission.busy()}>
          {submission.busy() ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </AuthLayout>
  );
}

/**
 * Whether the link is still unused after signing up: it is when the address already had an account (sign-up then
 * creates nothing), and the invite page offers to accept it now that its owner is signed in.
 */
const invitationOpen = (baseApi: Api, token: string) =>
  baseApi.client.members.previewInvitation.query({ token }).then(
    () => true,
    () => false,
  );

export function SignUpPage() {
  const { next, session, navigate } = useAuthPage();
  const [name, setName] = createSignal("");
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [organizationName, setOrganizationName] = createSignal("");
  const submission = createSubmission(["name", "email", "password", "organizationName"]);
  const registration = useRegistration();
  const refusal = () => registration.refusal(invitationToken(next()) !== undefined);
  return (
    <AuthLayout
      title="Create your account"
      subtitle={
        invitationToken(next())
          ? "You'll join the organization that invited you."
          : registration.firstUser()
            ? "The first account on this server: you get an organization of your own and own it."
            : "You get an organization of your own to hold your SMTP credentials."
      }
      footer={
        <>
          Already have an account? <a href={withNext("/signin", next())}>Sign in</a>
        </>
      }
    >
      <Show when={refusal()} fallback={signUpForm()}>
        {(message) => (
          <div class="notice notice-warn" role="alert" data-testid="sign-up-refused">
            <p>
              {message()}.{" "}
              {invitationToken(next())
                ? "To accept your invitation, sign in with an existing account."
                : registration.mode() === "invite"
                  ? "If someone invited you, open their invitation link."
                  : ""}
            </p>
          </div>
        )}
      </Show>
    </AuthLayout>
  );

  function signUpForm() {
    return (
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          const token = invitationToken(next());
          void submission.run(async () => {
            await session.baseApi.client.auth.signUp.mutate({
              name: name().trim() || undefined,
              email: email(),
              password: password(),
              ...(token ? { invitationToken: token } : { organizationName: organizationName() }),
            });
            // Sign-up answers alike for new and taken addresses; signing in is what tells whether the account is ours.
            await session.baseApi.client.auth.signIn.mutate({ email: email(), password: password() });
            // Decided before `me` changes, like on the sign-in page.
            const destination =
              token !== undefined && !(await invitationOpen(session.baseApi, token)) ? HOME : nextPath(next());
            const signedIn = await session.refreshMe();
            const [only, ...others] = signedIn?.organizations ?? [];
            if (only && others.length === 0) session.chooseOrganization(only.id);
            navigate(destination, { replace: true });
          });
        }}
      >
        <Field
          label="Your name"
          autocomplete="name"
          value={name()}
          onInput={setName}
          error={submission.fieldError("name")}
          optional
        />
        <Field
          label="Work email"
          type="email"
          autocomplete="email"
          value={email()}
          onInput={setEmail}
          error={submission.fieldError("email")}
        />
        <Field
          label="Password"
          type="password"
          autocomplete="new-password"
          value={password()}
          onInput={setPassword}
          error={submission.fieldError("password")}
          hint="At least 10 characters."
        />
        <Show when={!invitationToken(next())}>
          <Field
            label="Organization name"
            autocomplete="organization"
            value={organizationName()}
            onInput={setOrganizationName}
            error={submission.fieldError("organizationName")}
          />
        </Show>
        <FormError message={submission.error()} />
        <button type="submit" class="button button-primary button-block" disabled={submission.busy()}>
          {submission.busy() ? "Creating account…" : "Create account"}
        </button>
      </form>
    );
  }
}
