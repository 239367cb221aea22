import { createSignal, createUniqueId, For, type JSX, onCleanup, onMount, Show } from "solid-js";
import { errorMessage } from "../lib/api";
import { useNow } from "../lib/clock";
import { useSession } from "../lib/session";
import { createSubmission } from "../lib/submission";
import { formatDateTime, relativeTime } from "../lib/time";

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

const paths = {
  x: "M6 6l12 12M18 6L6 18",
  copy: "M9 9h10v10H9zM5 15V5h10",
  check: "M5 12l5 5L20 7",
  key: "M15 7a4 4 0 1 1-3.9 5H3v3h3v3h3v-3h2.1A4 4 0 0 1 15 7z",
  mail: "M3 6h18v12H3zM3 7l9 6 9-6",
  users: "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21a7 7 0 0 1 14 0M17 11a3 3 0 1 0 0-6M22 21a6 6 0 0 0-5-6",
  list: "M4 6h16M4 12h16M4 18h10",
  activity: "M3 12h4l3-8 4 16 3-8h4",
  search: "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM21 21l-5-5",
  plus: "M12 5v14M5 12h14",
  alert: "M12 3l10 18H2zM12 10v5M12 18v.5",
  refresh: "M20 11A8 8 0 1 0 18 17M20 4v7h-7",
  trash: "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13",
  link: "M10 14a5 5 0 0 0 7 0l3-3a5 5 0 0 0-7-7l-1 1M14 10a5 5 0 0 0-7 0l-3 3a5 5 0 0 0 7 7l1-1",
  menu: "M4 7h16M4 12h16M4 17h16",
  out: "M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10",
  shield: "M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z",
} as const;

export type IconName = keyof typeof paths;

export function Icon(props: { name: IconName; size?: number }) {
  return (
    <svg
      class="icon"
      width={props.size ?? 16}
      height={props.size ?? 16}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
    >
      <path d={paths[props.name]} />
    </svg>
  );
}

/** A relative time that follows the shared clock, with the exact time on hover and for screen readers. */
export function RelativeTime(props: { date: Date | null; never?: string }) {
  const now = useNow();
  return (
    <Show when={props.date} fallback={<span class="muted">{props.never ?? "Never"}</span>}>
      {(date) => (
        <time datetime={date().toISOString()} title={formatDateTime(date())}>
          {relativeTime(date(), now())}
        </time>
      )}
    </Show>
  );
}

async function copyText(text: string) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain-HTTP origins other than localhost have no Clipboard API; the selection command still works there.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}

/** A read-only value with a copy button that confirms the copy. */
export function CopyField(props: { label: string; value: string; secret?: boolean; testId?: string }) {
  const [copied, setCopied] = createSignal(false);
  const id = createUniqueId();
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  return (
    <div class="copy-field">
      <label for={id}>{props.label}</label>
      <div class="copy-row">
        <input
          id={id}
          class="mono"
          classList={{ "secret-value": props.secret }}
          readOnly
          value={props.value}
          data-testid={props.testId}
          onFocus={(event) => event.currentTarget.select()}
          spellcheck={false}
          autocomplete="off"
        />
        <button
          type="button"
          class="button"
          onClick={async () => {
            await copyText(props.value);
            setCopied(true);
            clearTimeout(timer);
            timer = setTimeout(() => setCopied(false), 2000);
          }}
        >
          <Icon name={copied() ? "check" : "copy"} />
          <span>{copied() ? "Copied" : "Copy"}</span>
        </button>
      </div>
      <span class="visually-hidden" aria-live="polite">
        {copied() ? `${props.label} copied to the clipboard` : ""}
      </span>
    </div>
  );
}

export function Switch(props: {
  checked: boolean;
  label: string;
  disabled?: boolean;
  busy?: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <button
      type="button"
      role="switch"
      class="switch"
      aria-checked={props.checked}
      aria-label={props.label}
      disabled={props.disabled || props.busy}
      aria-busy={props.busy}
      onClick={() => props.onChange(!props.checked)}
    >
      <span class="switch-thumb" />
    </button>
  );
}

export function ErrorState(props: { error: unknown; retry?: () => void }) {
  return (
    <div class="state state-error" role="alert">
      <Icon name="alert" size={22} />
      <p>{errorMessage(props.error)}</p>
      <Show when={props.retry}>
        {(retry) => (
          <button type="button" class="button" onClick={() => retry()()}>
            Try again
          </button>
        )}
      </Show>
    </div>
  );
}

export function EmptyState(props: { icon: IconName; title: string; children?: JSX.Element }) {
  return (
    <div class="state">
      <span class="state-icon">
        <Icon name={props.icon} size={22} />
      </span>
      <h3>{props.title}</h3>
      {props.children}
    </div>
  );
}

export function Spinner(props: { label?: string }) {
  return (
    <div class="state" aria-busy="true">
      <span class="spinner" />
      <span class="muted">{props.label ?? "Loading…"}</span>
    </div>
  );
}

/** A labelled input with its hint, or the server's message about it in place of the hint. */
export function Field(props: {
  label: string;
  type?: string;
  autocomplete: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  hint?: string;
  optional?: boolean;
}) {
  const id = createUniqueId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.autocomplete}
        type={props.type ?? "text"}
        autocomplete={props.autocomplete}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        aria-invalid={Boolean(props.error)}
        aria-describedby={props.error || props.hint ? `${id}-hint` : undefined}
        required={!props.optional}
      />
      <Show when={props.error || props.hint}>
        <span id={`${id}-hint`} class="hint" classList={{ "hint-error": Boolean(props.error) }}>
          {props.error ?? props.hint}
        </span>
      </Show>
    </div>
  );
}

export function FormError(props: { message: string | null | undefined }) {
  return (
    <Show when={props.message}>
      <p class="form-error" role="alert">
        {props.message}
      </p>
    </Show>
  );
}

export function RoleBadge(props: { role: string }) {
  return <span class={`badge badge-role badge-${props.role}`}>{props.role}</span>;
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

/** A settings page's title and lead, with its main action for those allowed to write. */
export function PageHeader(props: {
  title: string;
  lead: string;
  eyebrow?: string;
  action?: { icon: IconName; label: string; onClick: () => void } | undefined;
}) {
  const { canWrite } = useSession();
  return (
    <header class="page-header">
      <div>
        <p class="eyebrow">{props.eyebrow ?? "Settings"}</p>
        <h1>{props.title}</h1>
        <p class="lead">{props.lead}</p>
      </div>
      <Show when={props.action && canWrite() ? props.action : undefined}>
        {(action) => (
          <button type="button" class="button button-primary" onClick={() => action().onClick()}>
            <Icon name={action().icon} /> {action().label}
          </button>
        )}
      </Show>
    </header>
  );
}

/** A table row's destructive action (revoke, remove); it only opens a confirmation. */
export function RowDangerButton(props: { label: string; onClick: () => void }) {
  return (
    <button type="button" class="button button-small button-ghost-danger" onClick={() => props.onClick()}>
      {props.label}
    </button>
  );
}

export function Table(props: { caption: string; head: string[]; children: JSX.Element; class?: string }) {
  return (
    <div class="table-wrap">
      <table class={props.class}>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <For each={props.head}>{(h) => <th scope="col">{h}</th>}</For>
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
