import type { EventType } from "@relaypost/contract";
import { createSignal } from "solid-js";
import { Dialog, DialogActions } from "../../components/dialog";
import { Field, FormError } from "../../components/form";
import { useSession } from "../../lib/session";
import { createSubmission } from "../../lib/submission";
import type { EndpointWithSecret } from "./actions";
import { EventTypesField } from "./event-types-field";

/** Adding an endpoint: where, why, and which events. The server checks the address and answers the secret once. */
export function CreateWebhookDialog(props: { onClose: () => void; onCreated: (result: EndpointWithSecret) => void }) {
  const { api } = useSession();
  const [url, setUrl] = createSignal("");
  const [description, setDescription] = createSignal("");
  const [eventTypes, setEventTypes] = createSignal<EventType[] | null>(null);
  const submission = createSubmission(["url", "description", "eventTypes"]);
  const noneChosen = () => eventTypes()?.length === 0;
  return (
    <Dialog title="Add webhook" onClose={props.onClose} wide>
      <form
        class="dialog-body form"
        onSubmit={(event) => {
          event.preventDefault();
          void submission.run(async () => {
            const result = await api().webhooks.create.mutate({
              url: url().trim(),
              description: description().trim(),
              eventTypes: eventTypes() ?? [],
            });
            props.onCreated(result);
          });
        }}
      >
        <Field
          label="URL"
          type="url"
          autocomplete="url"
          value={url()}
          onInput={(value) => {
            setUrl(value);
            submission.clearFieldError("url");
          }}
          hint="Where events are POSTed, e.g. https://hooks.example.com/relaypost"
          error={submission.fieldError("url")}
        />
        <Field
          label="Description"
          autocomplete="off"
          optional
          value={description()}
          onInput={setDescription}
          error={submission.fieldError("description")}
        />
        <EventTypesField
          selected={eventTypes()}
          onChange={setEventTypes}
          error={noneChosen() ? "Choose at least one event" : submission.fieldError("eventTypes")}
        />
        <FormError message={submission.error()} />
        <DialogActions
          onCancel={props.onClose}
          label="Add webhook"
          busyLabel="Adding…"
          busy={submission.busy()}
          disabled={url().trim() === "" || noneChosen()}
        />
      </form>
    </Dialog>
  );
}
