import { useQuery, useQueryClient } from "@tanstack/solid-query";
import { createSignal, For, Show } from "solid-js";
import { ConfirmDialog } from "../components/dialog";
import { FormError } from "../components/form";
import { OrganizationCliNote } from "../components/organization";
import { QueryView } from "../components/query-view";
import { PageHeader, RelativeTime, RoleBadge, RowDangerButton, Table } from "../components/ui";
import { errorMessage, type Outputs, type Role } from "../lib/api";
import { queryKeys } from "../lib/query";
import { useSession } from "../lib/session";
import { formatDate, formatDateTime } from "../lib/time";
import { InviteDialog } from "./invite-dialog";

type Member = Outputs["members"]["list"][number];
type Invitation = Outputs["members"]["invitations"][number];

export function MembersPage() {
  const session = useSession();
  const client = useQueryClient();
  const organizationId = () => session.organizationId() ?? "";
  const members = useQuery(() => ({
    queryKey: queryKeys.members(organizationId()),
    queryFn: () => session.api().members.list.query(),
  }));
  // Viewers may not list invitations; the query stays disabled for them so it never runs.
  const invitations = useQuery(() => ({
    queryKey: queryKeys.invitations(organizationId()),
    queryFn: () => session.api().members.invitations.query(),
    enabled: session.canWrite(),
  }));
  const reloadMembers = () => client.invalidateQueries({ queryKey: queryKeys.members(organizationId()) });
  const reloadInvitations = () => void client.invalidateQueries({ queryKey: queryKeys.invitations(organizationId()) });
  const [inviting, setInviting] = createSignal(false);
  const [removing, setRemoving] = createSignal<Member | null>(null);
  const [revoking, setRevoking] = createSignal<Invitation | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  async function changeRole(member: Member, role: Role) {
    setError(null);
    try {
      await session.api().members.setRole.mutate({ userId: member.userId, role });
      await reloadMembers();
      if (member.userId === session.me()?.user.id) await session.refreshMe();
    } catch (e) {
      setError(errorMessage(e));
      await reloadMembers();
    }
  }

  return (
    <div class="page">
      <PageHeader
        title="Members"
        lead="Owners manage roles, admins manage credentials and keys, viewers see everything read-only."
        action={{ icon: "link", label: "Invite by link", onClick: () => setInviting(true) }}
      />
      <OrganizationCliNote />
      <FormError message={error()} />
      <section class="panel panel-flush">
        <QueryView query={members}>
          {(list) => (
            <Table caption="Members" head={["Member", "Role", "Joined", ""]}>
              <For each={list()}>
                {(member) => (
                  <MemberRow
                    member={member}
                    onRole={(role) => changeRole(member, role)}
                    onRemove={() => setRemoving(member)}
                  />
                )}
              </For>
            </Table>
          )}
        </QueryView>
      </section>

      <Show when={session.canWrite() && (invitations.data ?? []).length > 0}>
        <section class="panel panel-flush">
          <h2 class="panel-title panel-title-padded">Open invitation links</h2>
          <Table caption="Open invitation links" head={["Role", "Created", "Expires", ""]}>
            <For each={invitations.data}>
              {(invitation) => <InvitationRow invitation={invitation} onRevoke={() => setRevoking(invitation)} />}
            </For>
          </Table>
        </section>
      </Show>

      <Show when={inviting()}>
        <InviteDialog
          onClose={() => {
            setInviting(false);
            reloadInvitations();
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
              await session.api().members.remove.mutate({ userId: member().userId });
              setRemoving(null);
              void reloadMembers();
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
              await session.api().members.revokeInvitation.mutate({ id: invitation().id });
              setRevoking(null);
              reloadInvitations();
            }}
          >
            <p>Nobody can join with it any more.</p>
          </ConfirmDialog>
        )}
      </Show>
    </div>
  );
}

function MemberRow(props: { member: Member; onRole: (role: Role) => Promise<void>; onRemove: () => void }) {
  const session = useSession();
  const m = () => props.member;
  // Nobody acts on a member who ranks above them: admins cannot remove owners.
  const removable = () =>
    session.canWrite() && m().userId !== session.me()?.user.id && (session.isOwner() || m().role !== "owner");
  return (
    <tr data-testid="member-row">
      <td class="cell-main">
        <span>{m().name || m().email}</span>
        <Show when={m().name}>
          <span class="description">{m().email}</span>
        </Show>
      </td>
      <td>
        <Show when={session.isOwner()} fallback={<RoleBadge role={m().role} />}>
          <label class="compact-field">
            <span class="visually-hidden">Role of {m().email}</span>
            <select
              value={m().role}
              onChange={(e) => {
                const select = e.currentTarget;
                // A refused change leaves the list as it was, so the menu shows the role the member still has.
                void props.onRole(select.value as Role).then(() => {
                  select.value = m().role;
                });
              }}
            >
              <option value="owner">Owner</option>
              <option value="admin">Admin</option>
              <option value="viewer">Viewer</option>
            </select>
          </label>
        </Show>
      </td>
      <td>{formatDate(m().createdAt)}</td>
      <td class="cell-actions">
        <Show when={removable()}>
          <RowDangerButton label="Remove" onClick={props.onRemove} />
        </Show>
      </td>
    </tr>
  );
}

function InvitationRow(props: { invitation: Invitation; onRevoke: () => void }) {
  return (
    <tr>
      <td>
        <RoleBadge role={props.invitation.role} />
      </td>
      <td>
        <RelativeTime date={props.invitation.createdAt} />
      </td>
      <td>{formatDateTime(props.invitation.expiresAt)}</td>
      <td class="cell-actions">
        <RowDangerButton label="Revoke" onClick={props.onRevoke} />
      </td>
    </tr>
  );
}
