import { createSignal, createUniqueId } from "solid-js";
import { Dialog, DialogActions } from "../../components/dialog";
import { FormError } from "../../components/form";
import { useSession } from "../../lib/session";
import { createSubmission } from "../../lib/submission";
import type { Endpoint, EndpointWithSecret } from "./actions";

/** Hours the previous secret keeps signing beside the new one, so receivers can switch without dropping events. */
const OVERLAP_HOURS = 24;

/** A new signing secret for an endpoint; the previous one keeps signing a day, or stops at once. */
export function RotateSecretDialog(props: {
  endpoint: Endpoint;
  onClose: () => void;
  onRotated: (result: EndpointWithSecret) => void;
}) {
  const { api } = useSession();
  const [keepPrevious, setKeepPrevious] = createSignal(true);
  const submission = createSubmission();
  const choice = createUniqueId();
  return (
    <Dialog title="Rotate signing secret" onClose={props.onClose}>
      <div class="dialog-body form">
        <p>
          A new secret signs every request to <span class="mono break-anywhere">{props.endpoint.url}</span>.
        </p>
        <fieldset class="event-types">
          <legend>The previous secret</legend>
          <label class="check">
            <input type="radio" name={choice} checked={keepPrevious()} onChange={() => setKeepPrevious(true)} />
            Keeps signing for {OVERLAP_HOURS} hours, while the receiver switches
          </label>
          <label class="check">
            <input type="radio" name={choice} checked={!keepPrevious()} onChange={() => setKeepPrevious(false)} />
            Stops now (it may have leaked)
          </label>
        </fieldset>
      </div>
      <FormError message={submission.error()} />
      <DialogActions
        onCancel={props.onClose}
        label="Rotate secret"
        busyLabel="Rotating…"
        busy={submission.busy()}
        onAction={() =>
          void submission.run(async () => {
            const keepPreviousHours = keepPrevious() ? OVERLAP_HOURS : 0;
            props.onRotated(await api().webhooks.rotateSecret.mutate({ id: props.endpoint.id, keepPreviousHours }));
          })
        }
      />
    </Dialog>
  );
}
