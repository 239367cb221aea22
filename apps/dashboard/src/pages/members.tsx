import { createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import {
  ConfirmDialog,
  CopyField,
  Dialog,
  DialogActions,
  ErrorState,
  FormError,
  Icon,
  PageHeader,
  RelativeTime,
  RoleBadge,
  RowDangerButton,
  Spinner,
  Table,
} from "../components/ui";
import { errorMessage, type Outputs, type Role } from "../lib/api";
import { api, canWrite, isOwner, me, organization, refreshMe } from "../lib/session";
import { createSubmission } from "../lib/submission";
import { formatDate, formatDateTime } from "../lib/time";

type Member = Outputs["members"]["list"][number];
type Invitation = Outputs["members"]["invitations"][number];

const inviteUrl = (token: string) => `${location.origin}/invite/${encodeURIComponent(token)}`;

export function MembersPage() {
  const [members, { refetch }] = createResource(
    () => organization()?.id,
    () => api().members.list.query(),
  );
  // Viewers may not list invitations; the source stays false for them so the query never runs.
  const [invitations, invitationsActions] = createResource(
    () => canWrite() && organization()?.id,
    () => api().members.invitations.query(),
  );
  const [inviting, setInviting] = createSignal(false);
  const [removing, setRemoving] = createSignal<Member | null>(null);
  const [revoking, setRevoking] = createSignal<Invitation | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const selfId = () => me()?.user.id;

  async function changeRole(member: Member, role: Role) {
    setError(null);
    try {
      await api().members.setRole.mutate({ userId: member.userId, role });
      await refetch();
      if (member.userId === selfId()) await refreshMe();
    } catch (e) {
      setError(errorMessage(e));
      await refetch();
    }
  }

  return (
    <div class="page">
      <PageHeader
        title="Members"
        lead="Owners manage roles, admins manage credentials and keys, viewers see everything read-only."
        action={{ icon: "link", label: "Invite by link", onClick: () => setInviting(true) }}
      />
      <FormError message={error()} />
      <section class="panel panel-flush">
        <Show when={!members.loading || members.latest} fallback={<Spinner />}>
          <Show when={!members.error} fallback={<ErrorState error={members.error} retry={() => void refetch()} />}>
            <Table caption="Members" head={["Member", "Role", "Joined", ""]}>
              <For each={members.latest}>
                {(member) => (
                  <tr data-testid="member-row">
                    <td class="cell-main">
                      <span>{member.name || member.email}</span>
                      <Show when={member.name}>
                        <span class="description">{member.email}</span>
                      </Show>
                    </td>
                    <td>
                      <Show when={isOwner()} fallback={<RoleBadge role={member.role} />}>
                        <label class="compact-field">
                          <span class="visually-hidden">Role of {member.email}</span>
                          <select
                            value={member.role}
                            onChange={(e) => void changeRole(member, e.currentTarget.value as Role)}
                          >
                            <option value="owner">Owner</option>
                            <option value="admin">Admin</option>
                            <option value="viewer">Viewer</option>
                          </select>
                        </label>
                      </Show>
                    </td>
                    <td>{formatDate(member.createdAt)}</td>
                    <td class="cell-actions">
                      {/* Nobody acts on a member who ranks above them: admins cannot remove owners. */}
                      <Show when={canWrite() && member.userId !== selfId() && (isOwner() || member.role !== "owner")}>
                        <RowDangerButton label="Remove" onClick={() => setRemoving(member)} />
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </Table>
          </Show>
        </Show>
      </section>

      <Show when={canWrite() && (invitations.latest ?? []).length > 0}>
        <section class="panel panel-flush">
          <h2 class="panel-title panel-title-padded">Open invitation links</h2>
          <Table caption="Open invitation links" head={["Role", "Created", "Expires", ""]}>
            <For each={invitations.latest}>
              {(invitation) => (
                <tr>
                  <td>
                    <RoleBadge role={invitation.role} />
                  </td>
                  <td>
                    <RelativeTime date={invitation.createdAt} />
                  </td>
                  <td>{formatDateTime(invitation.expiresAt)}</td>
                  <td class="cell-actions">
                    <RowDangerButton label="Revoke" onClick={() => setRevoking(invitation)} />
                  </td>
                </tr>
              )}
            </For>
          </Table>
        </section>
      </Show>

      <Show when={inviting()}>
        <InviteDialog
          onClose={() => {
            setInviting(false);
            void invitationsActions.refetch();
          }}
        />
      </Show>
      <Show when={removing()}>
        {(member) => (
          <ConfirmDialog
            title={`Remove ${member().email}?`}
            confirmLabel="Remove member"
            onClose={() => setRemoving(null)}
            onConfirm={async () => {
              await api().members.remove.mutate({ userId: member().userId });
              setRemoving(null);
              void refetch();
            }}
          >
            <p>They lose access to this organization at once, including any open dashboard.</p>
          </ConfirmDialog>
        )}
      </Show>
      <Show when={revoking()}>
        {(invitation) => (
          <ConfirmDialog
            title="Revoke this invitation link?"
            confirmLabel="Revoke link"
            onClose={() => setRevoking(null)}
            onConfirm={async () => {
              await api().members.revokeInvitation.mutate({ id: invitation().id });
              setRevoking(null);
              void invitationsActions.refetch();
            }}
          >
            <p>Nobody can join with it any more.</p>
          </ConfirmDialog>
        )}
      </Show>
    </div>
  );
}

function InviteDialog(props: { onClose: () => void }) {
  const [role, setRole] = createSignal<Role>("viewer");
  const [link, setLink] = createSignal<{ url: string; role: Role; expiresAt: Date } | null>(null);
  const submission = createSubmission();
  const roleId = createUniqueId();
  return (
    <Dialog title="Invite by link" onClose={props.onClose} wide>
      <Show
        when={link()}
        fallback={
          <form
            class="dialog-body form"
            onSubmit={(event) => {
              event.preventDefault();
              void submission.run(async () => {
                const result = await api().members.invite.mutate({ role: role() });
                setLink({
                  url: inviteUrl(result.token),
                  role: result.invitation.role,
                  expiresAt: result.invitation.expiresAt,
                });
              });
            }}
          >
            <p class="muted">
              Anyone with the link can join once, after signing in or creating an account. Links expire after 7 days.
            </p>
            <div class="field">
              <label for={roleId}>Role</label>
              <select id={roleId} value={role()} onChange={(e) => setRole(e.currentTarget.value as Role)}>
                <option value="viewer">Viewer — read-only</option>
                <option value="admin">Admin — manages credentials, keys and members</option>
                <Show when={isOwner()}>
                  <option value="owner">Owner — everything, including roles</option>
                </Show>
              </select>
            </div>
            <FormError message={submission.error()} />
            <DialogActions
              onCancel={props.onClose}
              label="Create link"
              busyLabel="Creating…"
              busy={submission.busy()}
            />
          </form>
        }
      >
        {(created) => (
          <>
            <div class="dialog-body">
              <div class="callout callout-warning" role="note">
                <Icon name="alert" />
                <p>
                  <strong>Copy the link now; it is shown only once.</strong> It admits one person as {created().role}{" "}
                  until {formatDateTime(created().expiresAt)}.
                </p>
              </div>
              <CopyField label="Invitation link" value={created().url} testId="invitation-link" />
            </div>
            <footer class="dialog-footer">
              <button type="button" class="button button-primary" onClick={() => props.onClose()}>
                Done
              </button>
            </footer>
          </>
        )}
      </Show>
    </Dialog>
  );
}
