import { createSignal, type JSX, Show } from "solid-js";
import { Field, FormError } from "../components/ui";
import { navigate, queryParam } from "../lib/router";
import { baseApi, chooseOrganization, refreshMe } from "../lib/session";
import { createSubmission } from "../lib/submission";

/** Only same-site paths are followed after sign-in, so a crafted `next` cannot send the user elsewhere. */
const nextPath = () => {
  const next = queryParam("next");
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/settings/smtp-credentials";
};

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

const withNext = (path: string) => {
  const next = queryParam("next");
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
};

export function SignInPage() {
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const submission = createSubmission();
  return (
    <AuthLayout
      title="Sign in"
      subtitle="Manage your SMTP credentials and watch them work."
      footer={
        <>
          New to RelayPost? <a href={withNext("/signup")}>Create an account</a>
        </>
      }
    >
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          void submission.run(async () => {
            await baseApi.client.auth.signIn.mutate({ email: email(), password: password() });
            // Read before `me` changes: the signed-in app leaves this page, and its `next`, at once.
            const destination = nextPath();
            await refreshMe();
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

/** The invitation a sign-up continues to (`next=/invite/<token>`): the newcomer joins that organization. */
const invitationToken = () => {
  const match = /^\/invite\/([^/?#]+)$/.exec(nextPath());
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
};

/**
 * Whether the link is still unused after signing up: it is when the address already had an account (sign-up then
 * creates nothing), and the invite page offers to accept it now that its owner is signed in.
 */
const invitationOpen = (token: string) =>
  baseApi.client.members.previewInvitation.query({ token }).then(
    () => true,
    () => false,
  );

export function SignUpPage() {
  const [name, setName] = createSignal("");
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [organizationName, setOrganizationName] = createSignal("");
  const submission = createSubmission(["name", "email", "password", "organizationName"]);
  return (
    <AuthLayout
      title="Create your account"
      subtitle={
        invitationToken()
          ? "You'll join the organization that invited you."
          : "You get an organization of your own to hold your SMTP credentials."
      }
      footer={
        <>
          Already have an account? <a href={withNext("/signin")}>Sign in</a>
        </>
      }
    >
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          const token = invitationToken();
          void submission.run(async () => {
            await baseApi.client.auth.signUp.mutate({
              name: name().trim() || undefined,
              email: email(),
              password: password(),
              ...(token ? { invitationToken: token } : { organizationName: organizationName() }),
            });
            // Sign-up answers alike for new and taken addresses; signing in is what tells whether the account is ours.
            await baseApi.client.auth.signIn.mutate({ email: email(), password: password() });
            // Decided before `me` changes, like on the sign-in page.
            const destination =
              token !== undefined && !(await invitationOpen(token)) ? "/settings/smtp-credentials" : nextPath();
            const signedIn = await refreshMe();
            const [only, ...others] = signedIn?.organizations ?? [];
            if (only && others.length === 0) chooseOrganization(only.id);
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
        <Show when={!invitationToken()}>
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
    </AuthLayout>
  );
}
