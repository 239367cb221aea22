import { createUniqueId, type JSX, onCleanup, onMount, Show } from "solid-js";
import { createSubmission } from "../lib/submission";
import { FormError } from "./form";
import { Icon } from "./icon";

/**
 * A modal built on `<dialog>`: `showModal()` makes the rest of the page inert (the focus trap) and Escape closes it;
 * focus returns to whatever opened it.
 */
export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: JSX.Element;
  /** Dialogs holding a one-time secret close only through their own button, never by a stray Escape. */
  dismissible?: boolean;
  wide?: boolean;
}) {
  let ref: HTMLDialogElement | undefined;
  const titleId = createUniqueId();
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  onMount(() => {
    ref?.showModal();
    const first = ref?.querySelector<HTMLElement>("[autofocus], input, select, textarea, button:not(.dialog-close)");
    first?.focus();
  });
  onCleanup(() => {
    ref?.close();
    if (opener?.isConnected) opener.focus();
  });
  return (
    <dialog
      ref={ref}
      class="dialog"
      classList={{ "dialog-wide": props.wide }}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (props.dismissible !== false) props.onClose();
      }}
    >
      <header class="dialog-header">
        <h2 id={titleId}>{props.title}</h2>
        <Show when={props.dismissible !== false}>
          <button type="button" class="icon-button dialog-close" aria-label="Close" onClick={() => props.onClose()}>
            <Icon name="x" />
          </button>
        </Show>
      </header>
      {props.children}
    </dialog>
  );
}

/**
 * A dialog's footer: Cancel, then its one action, disabled and relabelled while that action runs. The action submits
 * the dialog's form unless `onAction` is given.
 */
export function DialogActions(props: {
  onCancel: () => void;
  label: string;
  busyLabel: string;
  busy: boolean;
  disabled?: boolean;
  danger?: boolean;
  onAction?: () => void;
}) {
  return (
    <footer class="dialog-footer">
      <button type="button" class="button" onClick={() => props.onCancel()}>
        Cancel
      </button>
      <button
        type={props.onAction ? "button" : "submit"}
        class={`button ${props.danger ? "button-danger" : "button-primary"}`}
        disabled={props.busy || props.disabled}
        onClick={() => props.onAction?.()}
      >
        {props.busy ? props.busyLabel : props.label}
      </button>
    </footer>
  );
}

/** A dialog asking for confirmation of a consequential action; the confirm button carries the danger styling. */
export function ConfirmDialog(props: {
  title: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  children: JSX.Element;
}) {
  const submission = createSubmission();
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <div class="dialog-body">{props.children}</div>
      <FormError message={submission.error()} />
      <DialogActions
        onCancel={props.onClose}
        label={props.confirmLabel}
        busyLabel="Working…"
        busy={submission.busy()}
        danger
        onAction={() => void submission.run(props.onConfirm)}
      />
    </Dialog>
  );
}
