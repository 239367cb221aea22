import { useSession } from "../../lib/session";
import type { EndpointWithSecret } from "./actions";
import { WebhookFormDialog } from "./webhook-form";

/** Adding an endpoint. The server checks the address and answers the secret once. */
export function CreateWebhookDialog(props: { onClose: () => void; onCreated: (result: EndpointWithSecret) => void }) {
  const { api } = useSession();
  return (
    <WebhookFormDialog
      title="Add webhook"
      label="Add webhook"
      busyLabel="Adding…"
      onClose={props.onClose}
      submit={async (fields) => props.onCreated(await api().webhooks.create.mutate(fields))}
    />
  );
}
