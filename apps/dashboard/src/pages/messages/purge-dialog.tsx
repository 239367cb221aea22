import { ConfirmDialog } from "../../components/dialog";
import { useSession } from "../../lib/session";

/** Confirms deleting the organization's message log; mail still waiting for delivery is kept, and the count said. */
export function PurgeDialog(props: { onClose: () => void; onDone: (deleted: number) => void }) {
  const session = useSession();
  return (
    <ConfirmDialog
      title={`Delete the message log of ${session.organization()?.name ?? "this organization"}?`}
      confirmLabel="Delete message log"
      onClose={props.onClose}
      onConfirm={async () => {
        const { deleted } = await session.api().messages.purge.mutate();
        props.onDone(deleted);
      }}
    >
      <p>
        Every message that was relayed, failed or stored is deleted, with its body and its recipients' results. This
        cannot be undone. Messages still waiting for delivery (queued or deferred) are kept and will be sent. The purge
        is recorded in the audit log.
      </p>
    </ConfirmDialog>
  );
}
