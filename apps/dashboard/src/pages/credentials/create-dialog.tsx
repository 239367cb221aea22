import { createMemo, createSignal, createUniqueId } from "solid-js";
import { Dialog, DialogActions } from "../../components/dialog";
import { FormError } from "../../components/form";
import type { Credential } from "../../lib/api";
import { useSession } from "../../lib/session";
import { usernameProblem } from "../../lib/smtp";
import { createSubmission } from "../../lib/submission";

export function CreateCredentialDialog(props: {
  onClose: () => void;
  onCreated: (result: { credential: Credential; password: string }) => void;
}) {
  const { api } = useSession();
  const [username, setUsername] = createSignal("");
  const [description, setDescription] = createSignal("");
  const submission = createSubmission(["username", "description"]);
  const usernameId = createUniqueId();
  const descriptionId = createUniqueId();
  const problem = createMemo(() => usernameProblem(username()));
  const usernameError = () => problem() ?? submission.fieldError("username");

  function submit(event: SubmitEvent) {
    event.preventDefault();
    if (problem()) return;
    void submission.run(async () => {
      props.onCreated(
        await api().smtpCredentials.create.mutate({
          username: username().trim() || undefined,
          description: description().trim() || undefined,
        }),
      );
    });
  }

  return (
    <Dialog title="Create SMTP credential" onClose={props.onClose}>
      <form class="dialog-body form" onSubmit={submit} novalidate>
        <p class="muted">
          Create one credential per application or environment, so you can rotate or revoke each one without touching
          the others.
        </p>
        <div class="field">
          <label for={usernameId}>
            Username <span class="optional">optional</span>
          </label>
          <input
            id={usernameId}
            class="mono"
            value={username()}
            onInput={(e) => {
              setUsername(e.currentTarget.value);
              submission.clearFieldError("username");
            }}
            placeholder="e.g. rails_production"
            autocomplete="off"
            spellcheck={false}
            maxLength={64}
            aria-invalid={Boolean(usernameError())}
            aria-describedby={`${usernameId}-hint`}
          />
          <span id={`${usernameId}-hint`} class="hint" classList={{ "hint-error": Boolean(usernameError()) }}>
            {usernameError() ??
              (username().trim() === ""
                ? "Leave blank to generate one like smtp_a1b2c3d4. 4–50 letters, numbers and underscores; unique in your organization."
                : "Looks good.")}
          </span>
        </div>
        <div class="field">
          <label for={descriptionId}>
            Description <span class="optional">optional</span>
          </label>
          <input
            id={descriptionId}
            value={description()}
            onInput={(e) => setDescription(e.currentTarget.value)}
            placeholder="e.g. Production Rails app"
            maxLength={500}
            aria-invalid={Boolean(submission.fieldError("description"))}
            aria-describedby={`${descriptionId}-hint`}
          />
          <span
            id={`${descriptionId}-hint`}
            class="hint"
            classList={{ "hint-error": Boolean(submission.fieldError("description")) }}
          >
            {submission.fieldError("description") ?? `${description().length}/500 characters`}
          </span>
        </div>
        <FormError message={submission.error()} />
        <DialogActions
          onCancel={props.onClose}
          label="Create"
          busyLabel="Creating…"
          busy={submission.busy()}
          disabled={Boolean(problem())}
        />
      </form>
    </Dialog>
  );
}
