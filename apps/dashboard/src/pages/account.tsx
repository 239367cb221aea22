import { useNavigate } from "@solidjs/router";
import { useQuery, useQueryClient } from "@tanstack/solid-query";
import { createSignal, For, Show } from "solid-js";
import { ConfirmDialog } from "../components/dialog";
import { Field, FormError } from "../components/form";
import { type QueryState, QueryView } from "../components/query-view";
import { PageHeader, RelativeTime, RowDangerButton, Table } from "../components/ui";
import type { Outputs } from "../lib/api";
import { queryKeys } from "../lib/query";
import { useSession } from "../lib/session";
import { createSubmission } from "../lib/submission";
import { formatDateTime } from "../lib/time";
import { describeUserAgent } from "../lib/user-agent";

type Session = Outputs["account"]["sessions"][number];

/** The signed-in user's own password and sessions; the same in every organization they belong to. */
export function AccountPage() {
  const { baseApi } = useSession();
  const client = useQueryClient();
  const sessions = useQuery(() => ({
    queryKey: queryKeys.sessions(),
    queryFn: () => baseApi.client.account.sessions.query(),
  }));
  const refetch = () => client.invalidateQueries({ queryKey: queryKeys.sessions() });
  return (
    <div class="page">
      <PageHeader
        eyebrow="Your account"
        title="Account"
        lead="Your password and where you are signed in. If a device was lost or a session may have been stolen, change your password or sign out everywhere."
      />
      <ChangePasswordPanel onChanged={() => void refetch()} />
      <SessionsPanel sessions={sessions} refetch={() => void refetch()} />
      <SignOutEverywherePanel />
    </div>
  );
}

function ChangePasswordPanel(props: { onChanged: () => void }) {
  const { baseApi } = useSession();
  const [currentPassword, setCurrentPassword] = createSignal("");
  const [newPassword, setNewPassword] = createSignal("");
  const [changed, setChanged] = createSignal<string | null>(null);
  const submission = createSubmission(["currentPassword", "newPassword"]);
  return (
    <section class="panel" aria-labelledby="change-password-title">
      <h2 id="change-password-title" class="panel-title">
        Change password
      </h2>
      <p class="muted panel-lead">Every other session is signed out; you stay signed in here.</p>
      <form
        class="form form-narrow"
        onSubmit={(event) => {
          event.preventDefault();
          setChanged(null);
          void submission.run(async () => {
            const { sessionsEnded } = await baseApi.client.account.changePassword.mutate({
              currentPassword: currentPassword(),
              newPassword: newPassword(),
            });
            setCurrentPassword("");
            setNewPassword("");
            setChanged(`Password changed. ${signedOutCount(sessionsEnded)}`);
            props.onChanged();
          });
        }}
      >
        <Field
          label="Current password"
          type="password"
          autocomplete="current-password"
          value={currentPassword()}
          onInput={(value) => {
            setCurrentPassword(value);
            submission.clearFieldError("currentPassword");
          }}
          error={submission.fieldError("currentPassword")}
        />
        <Field
          label="New password"
          type="password"
          autocomplete="new-password"
          value={newPassword()}
          onInput={(value) => {
            setNewPassword(value);
            submission.clearFieldError("newPassword");
          }}
          error={submission.fieldError("newPassword")}
          hint="At least 10 characters."
        />
        <FormError message={submission.error()} />
        <Show when={changed()}>
          <p class="form-success" role="status">
            {changed()}
          </p>
        </Show>
        <div>
          <button type="submit" class="button button-primary" disabled={submission.busy()}>
            {submission.busy() ? "Changing…" : "Change password"}
          </button>
        </div>
      </form>
    </section>
  );
}

const signedOutCount = (n: number) =>
  n === 0 ? "You had no other sessions." : `${n} other session${n === 1 ? " was" : "s were"} signed out.`;

function SessionsPanel(props: { sessions: QueryState<Session[]>; refetch: () => void }) {
  const { baseApi } = useSession();
  const [ending, setEnding] = createSignal<Session | null>(null);
  return (
    <section class="panel panel-flush">
      <h2 class="panel-title panel-title-padded">Where you are signed in</h2>
      <QueryView query={props.sessions}>
        {(sessions) => (
          <Table caption="Your sessions" head={["Browser", "Address", "Signed in", "Last seen", ""]}>
            <For each={sessions()}>
              {(session) => <SessionRow session={session} onEnd={() => setEnding(session)} />}
            </For>
          </Table>
        )}
      </QueryView>
      <Show when={ending()}>
        {(session) => (
          <ConfirmDialog
            title={`End the session on ${describeUserAgent(session().userAgent)}?`}
            confirmLabel="End session"
            onClose={() => setEnding(null)}
            onConfirm={async () => {
              await baseApi.client.account.endSession.mutate({ id: session().id });
              setEnding(null);
              props.refetch();
            }}
          >
            <p>That browser is signed out at once, including its live updates.</p>
          </ConfirmDialog>
        )}
      </Show>
    </section>
  );
}

function SessionRow(props: { session: Session; onEnd: () => void }) {
  return (
    <tr data-testid="session-row" data-current={props.session.current ? "true" : undefined}>
      <td class="cell-main" title={props.session.userAgent ?? undefined}>
        {describeUserAgent(props.session.userAgent)}{" "}
        <Show when={props.session.current}>
          <span class="badge badge-ok">This device</span>
        </Show>
      </td>
      <td class="mono muted">{props.session.remoteAddress ?? "—"}</td>
      <td>{formatDateTime(props.session.createdAt)}</td>
      <td>
        <RelativeTime date={props.session.lastSeenAt} />
      </td>
      <td class="cell-actions">
        <Show when={!props.session.current}>
          <RowDangerButton label="End" onClick={props.onEnd} />
        </Show>
      </td>
    </tr>
  );
}

function SignOutEverywherePanel() {
  const { baseApi, signedOut } = useSession();
  const navigate = useNavigate();
  const [confirming, setConfirming] = createSignal(false);
  return (
    <section class="panel" aria-labelledby="everywhere-title">
      <h2 id="everywhere-title" class="panel-title">
        Sign out everywhere
      </h2>
      <p class="muted panel-lead">
        Ends every session, this one included. You will need your password to sign in again.
      </p>
      <button type="button" class="button button-danger" onClick={() => setConfirming(true)}>
        Sign out everywhere
      </button>
      <Show when={confirming()}>
        <ConfirmDialog
          title="Sign out everywhere?"
          confirmLabel="Sign out everywhere"
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            await baseApi.client.account.signOutEverywhere.mutate();
            signedOut();
            navigate("/signin", { replace: true });
          }}
        >
          <p>Every browser signed in to your account is signed out at once, this one too.</p>
        </ConfirmDialog>
      </Show>
    </section>
  );
}
