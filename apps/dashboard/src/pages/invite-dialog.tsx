import { createSignal, createUniqueId, Show } from "solid-js";
import { Dialog, DialogActions } from "../components/dialog";
import { CopyField, FormError } from "../components/form";
import { RevealDialog } from "../components/reveal-dialog";
import type { Role } from "../lib/api";
import { useSession } from "../lib/session";
import { createSubmission } from "../lib/submission";
import { formatDateTime } from "../lib/time";

type Link = { url: string; role: Role; expiresAt: Date };

const inviteUrl = (token: string) => `${location.origin}/invite/${encodeURIComponent(token)}`;

/** Chooses the role, then shows the link once. */
export function InviteDialog(props: { onClose: () => void }) {
  const [link, setLink] = createSignal<Link | null>(null);
  return (
    <Show when={link()} fallback={<InviteForm onClose={props.onClose} onCreated={setLink} />}>
      {(created) => (
        <RevealDialog
          title="Invite by link"
          notice={
            <>
              <strong>Copy the link now; it is shown only once.</strong> It admits one person as {created().role} until{" "}
              {formatDateTime(created().expiresAt)}.
            </>
          }
          doneLabel="Done"
          onClose={props.onClose}
        >
          <CopyField label="Invitation link" value={created().url} testId="invitation-link" />
        </RevealDialog>
      )}
    </Show>
  );
}

function InviteForm(props: { onClose: () => void; onCreated: (link: Link) => void }) {
  const session = useSession();
  const [role, setRole] = createSignal<Role>("viewer");
  const submission = createSubmission();
  const roleId = createUniqueId();
  return (
    <Dialog title="Invite by link" onClose={props.onClose} wide>
      <form
        class="dialog-body form"
        onSubmit={(event) => {
          event.preventDefault();
          void submission.run(async () => {
            const result = await session.api().members.invite.mutate({ role: role() });
            props.onCreated({
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
            <Show when={session.isOwner()}>
              <option value="owner">Owner — everything, including roles</option>
            </Show>
          </select>
        </div>
        <FormError message={submission.error()} />
        <DialogActions onCancel={props.onClose} label="Create link" busyLabel="Creating…" busy={submission.busy()} />
      </form>
    </Dialog>
  );
}
