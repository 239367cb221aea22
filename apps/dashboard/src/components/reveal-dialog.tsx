import type { JSX } from "solid-js";
import { Dialog } from "./dialog";
import { Icon } from "./icon";

/**
 * The one moment a secret (a password, an API key, an invitation link) is visible. It lives only in this dialog's
 * props and is gone once it closes; only its own button closes it, never a stray Escape.
 */
export function RevealDialog(props: {
  title: string;
  /** Why to copy it now, shown first. */
  notice: JSX.Element;
  doneLabel: string;
  onClose: () => void;
  children: JSX.Element;
}) {
  return (
    <Dialog title={props.title} onClose={props.onClose} dismissible={false} wide>
      <div class="dialog-body">
        <div class="callout callout-warning" role="note">
          <Icon name="alert" />
          <p>{props.notice}</p>
        </div>
        {props.children}
      </div>
      <footer class="dialog-footer">
        <button type="button" class="button button-primary" onClick={() => props.onClose()}>
          {props.doneLabel}
        </button>
      </footer>
    </Dialog>
  );
}
