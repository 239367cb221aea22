import type { EventType } from "@relaypost/contract";
import { createSignal } from "solid-js";
import { Dialog, DialogActions } from "../../components/dialog";
import { Field, FormError } from "../../components/form";
import { createSubmission } from "../../lib/submission";
import { EventTypesField } from "./event-types-field";

/** What an endpoint's form sets: empty `eventTypes` means every event, as the API reads it. */
export interface WebhookFields {
  url: string;
  description: string;
  eventTypes: EventType[];
}

/**
 * The one form for adding and editing an endpoint: where, why, and which events. `submit` calls the API; its
 * refusal of a field shows beside that field.
 */
export function WebhookFormDialog(props: {
  title: string;
  label: string;
  busyLabel: string;
  initial?: WebhookFields;
  onClose: () => void;
  submit: (fields: WebhookFields) => Promise<void>;
}) {
  const initial = props.initial;
  const [url, setUrl] = createSignal(initial?.url ?? "");
  const [description, setDescription] = createSignal(initial?.description ?? "");
  // The field shows "all events" as null; the API's empty list means the same.
  const [eventTypes, setEventTypes] = createSignal<EventType[] | null>(
    initial && initial.eventTypes.length > 0 ? initial.eventTypes : null,
  );
  const submission = createSubmission(["url", "description", "eventTypes"]);
  const noneChosen = () => eventTypes()?.length === 0;
  return (
    <Dialog title={props.title} onClose={props.onClose} wide>
      <form
        class="dialog-body form"
        onSubmit={(event) => {
          event.preventDefault();
          void submission.run(() =>
            props.submit({ url: url().trim(), description: description().trim(), eventTypes: eventTypes() ?? [] }),
          );
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
          label={props.label}
          busyLabel={props.busyLabel}
          busy={submission.busy()}
          disabled={url().trim() === "" || noneChosen()}
        />
      </form>
    </Dialog>
  );
}
