import { DESCRIPTION_MAX_LENGTH } from "@relaypost/contract";
import { createSignal, Show } from "solid-js";
import { FormError, TextAreaField } from "../../../components/form";
import { Icon } from "../../../components/icon";
import type { Credential } from "../../../lib/api";
import { useSession } from "../../../lib/session";
import { createSubmission } from "../../../lib/submission";

/** What the credential is for: everyone reads it, admins and owners edit it in place. */
export function Description(props: { credential: Credential; onSaved: (credential: Credential) => void }) {
  const session = useSession();
  const [editing, setEditing] = createSignal(false);
  const [draft, setDraft] = createSignal("");
  const submission = createSubmission(["description"]);
  let editButton: HTMLButtonElement | undefined;

  const close = () => {
    setEditing(false);
    // Back where the person was, not at the top of the page.
    queueMicrotask(() => editButton?.focus());
  };
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void submission.run(async () => {
      props.onSaved(
        await session.api().smtpCredentials.update.mutate({ id: props.credential.id, description: draft() }),
      );
      close();
    });
  };

  return (
    <Show
      when={editing()}
      fallback={
        <div class="detail-description">
          <p class="lead" data-testid="credential-description">
            {props.credential.description || <span class="muted">No description</span>}
          </p>
          <Show when={session.canWrite()}>
            <button
              ref={editButton}
              type="button"
              class="button button-small"
              onClick={() => {
                setDraft(props.credential.description);
                setEditing(true);
              }}
            >
              <Icon name="pencil" /> Edit description
            </button>
          </Show>
        </div>
      }
    >
      <form
        class="form description-form"
        onSubmit={submit}
        ref={(form) => queueMicrotask(() => form.querySelector("textarea")?.focus())}
        onKeyDown={(event) => {
          if (event.key === "Escape") close();
        }}
      >
        <TextAreaField
          label="Description"
          value={draft()}
          onInput={(value) => {
            setDraft(value);
            submission.clearFieldError("description");
          }}
          error={submission.fieldError("description")}
          hint={`What uses this credential; at most ${DESCRIPTION_MAX_LENGTH} characters.`}
        />
        <FormError message={submission.error()} />
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={submission.busy()}>
            {submission.busy() ? "Saving…" : "Save description"}
          </button>
          <button type="button" class="button" onClick={close}>
            Cancel
          </button>
        </div>
      </form>
    </Show>
  );
}
