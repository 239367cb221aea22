import { useSession } from "../../lib/session";
import type { Endpoint } from "./actions";
import { WebhookFormDialog } from "./webhook-form";

/** Changing an endpoint's URL, description or events; its secret and on/off state stay as they are. */
export function EditWebhookDialog(props: { endpoint: Endpoint; onClose: () => void; onSaved: () => void }) {
  const { api } = useSession();
  return (
    <WebhookFormDialog
      title="Edit webhook"
      label="Save changes"
      busyLabel="Saving…"
      initial={props.endpoint}
      onClose={props.onClose}
      submit={async (fields) => {
        await api().webhooks.update.mutate({ id: props.endpoint.id, ...fields });
        props.onSaved();
      }}
    />
  );
}
